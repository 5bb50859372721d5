"""Synonym groups editors maintain in the UI; the defaults apply until an editor saves the first group."""
from __future__ import annotations

import time

from sqlalchemy import select

from core.extensions import db
from search.models import SynonymGroup

DEFAULT_SYNONYMS = [
    ["Handy", "Natel", "Mobiltelefon", "Smartphone"],
    ["TV", "Fernsehen", "Fernseher"],
    ["Kündigung", "kündigen", "Vertrag beenden", "Abo beenden"],
    ["WLAN", "WiFi", "Wi-Fi", "WLan", "Wireless"],
    ["Modem", "Router", "Internet-Box", "Connect Box", "Box"],
    ["Passwort", "Kennwort", "Password", "Code"],
    ["Datenvolumen", "Datenguthaben", "Datenpaket", "mobile Daten"],
    ["vergessen", "forgot", "forgotten"],
    ["Rechnung", "Bill", "Faktura"],
    ["Umzug", "umziehen", "zügeln", "Wohnungswechsel"],
    ["Lampe", "Leuchte", "LED", "Licht"],
    ["Neustart", "neu starten", "restart"],
]
_TTL = 30.0
_cache: dict[str, tuple[float, list[list[str]]]] = {}


def parse(line: str) -> list[str]:
    """"Handy, Natel , Mobiltelefon" → ["Handy", "Natel", "Mobiltelefon"] (duplicates and blanks dropped)."""
    seen, out = set(), []
    for term in line.split(","):
        term = " ".join(term.split())[:60]
        if term and term.lower() not in seen:
            seen.add(term.lower())
            out.append(term)
    return out


def groups(cache_key: str = "default") -> list[list[str]]:
    now = time.monotonic()
    cached = _cache.get(cache_key)
    if cached and now - cached[0] < _TTL:
        return cached[1]
    rows = db.session.execute(select(SynonymGroup).order_by(SynonymGroup.id)).scalars().all()
    result = [list(r.terms) for r in rows if len(r.terms or []) >= 2] if rows else DEFAULT_SYNONYMS
    _cache[cache_key] = (now, result)
    return result


def invalidate() -> None:
    _cache.clear()


def ensure_rows() -> None:
    """Turn the defaults into editable rows the first time an editor opens the page."""
    if db.session.execute(select(SynonymGroup.id).limit(1)).first() is None:
        for terms in DEFAULT_SYNONYMS:
            db.session.add(SynonymGroup(terms=list(terms)))
        db.session.commit()
        invalidate()
