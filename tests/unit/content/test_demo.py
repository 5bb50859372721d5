"""`flask demo load`: the seven categories with icons, one user per role, and the local-only credentials it prints
(so the Makefile needn't repeat them)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from content import demo
from core.extensions import db
from core.models import User
from kb.models import Category

ICONS = Path(__file__).resolve().parents[3] / "static" / "img" / "icons.svg"


@pytest.fixture
def no_content_steps(monkeypatch):
    """Only categories and users: the article, video and forum steps have tests of their own."""
    monkeypatch.setattr(demo, "_steps", [])


def test_seven_categories_each_with_an_icon_of_the_sprite(app):
    assert demo.load_categories() == 7
    categories = db.session.execute(db.select(Category).order_by(Category.position)).scalars().all()
    assert [c.name_de for c in categories] == ["Internet", "WLAN", "Digital TV", "Telefonie", "Mobile",
                                               "Rechnung & Konto", "Umzug"]
    symbols = set(re.findall(r'<symbol id="([^"]+)"', ICONS.read_text(encoding="utf-8")))
    assert all(c.icon in symbols and c.icon != "help" for c in categories)
    assert len({c.icon for c in categories}) == 7 and all(c.name_en and c.description_de for c in categories)
    assert demo.load_categories() == 0


def test_one_demo_user_per_role(app):
    assert demo.load_users() == 4
    users = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
    assert {name: u.role for name, u in users.items()} == {
        "admin": "admin", "redaktion": "editor", "superuser": "superuser", "kunde": "customer"}
    assert all(users[name].check_password(password) for name, _email, _role, password in demo.DEMO_USERS)
    assert demo.load_users() == 0


def test_demo_load_prints_the_credentials_with_a_local_only_warning(app, runner, no_content_steps):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Kategorien: 7 neu" in result.output and "Demo-Benutzer: 4 neu" in result.output
    assert "nur lokal, niemals produktiv einsetzen" in result.output
    for name, _email, role, password in demo.DEMO_USERS:
        assert re.search(rf"^  {name} / {password} +\({role}\)$", result.output, re.MULTILINE), result.output


def test_if_empty_still_prints_the_credentials_but_not_a_changed_password(app, runner, no_content_steps):
    runner.invoke(args=["demo", "load"])
    admin = db.session.execute(db.select(User).where(User.username == "admin")).scalar_one()
    admin.set_password("ein-eigenes-langes-Passwort")
    db.session.commit()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "werden nicht geladen" in result.output
    assert "redaktion / demo-editor-1234" in result.output
    assert "admin /" not in result.output and "demo-admin-1234" not in result.output


def test_no_credentials_when_there_are_no_demo_users(app, runner):
    from tests.factories import make_category
    make_category()
    db.session.commit()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "Demo-Zugänge" not in result.output
