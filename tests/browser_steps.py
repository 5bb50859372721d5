"""Steps the Chromium tests share."""
from __future__ import annotations

from playwright.sync_api import expect


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Through the login form, as a person would; returns once the form is gone (logged in)."""
    page.goto(f"{base_url}/anmelden")
    page.get_by_label("Benutzername oder E-Mail").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").last.click()
    expect(page.get_by_label("Benutzername oder E-Mail")).to_have_count(0)
