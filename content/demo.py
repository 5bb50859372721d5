"""Demo content for local use: categories, one user per role, then the steps other packages register
(articles, videos, forum threads). Idempotent: running it twice changes nothing the second time."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.extensions import db
from core.models import User
from kb.models import Category

CATEGORIES = [
    # slug, German name, English name, icon, German description, English description
    ("internet", "Internet", "Internet", "globe", "Modem einrichten, Störungen beheben, Geschwindigkeit messen.",
     "Set up your modem, fix faults, measure your speed."),
    ("wlan", "WLAN", "Wi-Fi", "wifi", "WLAN-Passwort, Reichweite, Kanäle und Gast-WLAN.",
     "Wi-Fi password, range, channels and guest Wi-Fi."),
    ("digital-tv", "Digital TV", "Digital TV", "tv", "TV-Box, Sendersuchlauf, Replay und Aufnahmen.",
     "TV box, channel search, replay and recordings."),
    ("telefonie", "Telefonie", "Phone", "phone", "Festnetz, Combox, Anrufumleitung und Rufnummern.",
     "Landline, voicemail, call forwarding and numbers."),
    ("mobile", "Mobile", "Mobile", "mobile", "SIM und eSIM, Roaming, Datenvolumen, PIN und PUK.",
     "SIM and eSIM, roaming, data, PIN and PUK."),
    ("rechnung-konto", "Rechnung & Konto", "Bill & account", "bill", "Rechnung verstehen, bezahlen, Kundenkonto.",
     "Understand and pay your bill, your customer account."),
    ("umzug", "Umzug", "Moving house", "move", "Umzug melden, Anschluss am neuen Ort, Kündigung.",
     "Report a move, connection at your new home, cancellation."),
]

# Local-only demo accounts, printed by `flask demo load` and documented in the README. Never deploy demo data.
DEMO_USERS = [
    ("admin", "admin@demo.invalid", "admin", "demo-admin-1234"),
    ("redaktion", "redaktion@demo.invalid", "editor", "demo-editor-1234"),
    ("superuser", "superuser@demo.invalid", "superuser", "demo-super-1234"),
    ("kunde", "kunde@demo.invalid", "customer", "demo-kunde-1234"),
]


@dataclass
class DemoStep:
    name: str
    order: int
    run: Callable[[Callable[[str], None]], str]  # takes an echo function, returns a one-line summary


_steps: list[DemoStep] = []


def register_demo_step(name: str, order: int, run: Callable[[Callable[[str], None]], str]) -> None:
    """Packages add their demo data (e.g. videos at 30, forum threads at 40); articles run at 20."""
    if not any(step.name == name for step in _steps):
        _steps.append(DemoStep(name, order, run))


def load_categories() -> int:
    created = 0
    for position, (slug, name_de, name_en, icon, desc_de, desc_en) in enumerate(CATEGORIES):
        category = db.session.execute(db.select(Category).where(Category.slug == slug)).scalar_one_or_none()
        if category is None:
            db.session.add(Category(slug=slug, name_de=name_de, name_en=name_en, icon=icon, position=position,
                                    description_de=desc_de, description_en=desc_en))
            created += 1
    db.session.flush()
    return created


def load_users() -> int:
    created = 0
    for username, email, role, password in DEMO_USERS:
        if db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none() is None:
            user = User(username=username, email=email, role=role)
            user.set_password(password)
            db.session.add(user)
            created += 1
    db.session.flush()
    return created


def load_demo(echo: Callable[[str], None] = print) -> list[str]:
    summaries = [f"Kategorien: {load_categories()} neu", f"Demo-Benutzer: {load_users()} neu"]
    db.session.commit()
    for step in sorted(_steps, key=lambda s: s.order):
        echo(f"→ {step.name} …")
        summaries.append(step.run(echo))
        db.session.commit()
    return summaries


def demo_credentials() -> list[tuple[str, str, str]]:
    """(username, password, role) of the demo accounts that exist and still have their demo password."""
    found = []
    for username, _email, role, password in DEMO_USERS:
        user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
        if user is not None and user.check_password(password):
            found.append((username, password, user.role))
    return found


def credentials_lines() -> list[str]:
    accounts = demo_credentials()
    if not accounts:
        return []
    width = max(len(f"{name} / {password}") for name, password, _role in accounts)
    return ["Demo-Zugänge (nur lokal, niemals produktiv einsetzen):"] + [
        f"  {f'{name} / {password}':<{width}}  ({role})" for name, password, role in accounts]


def database_is_empty() -> bool:
    return db.session.execute(db.select(Category.id).limit(1)).first() is None
