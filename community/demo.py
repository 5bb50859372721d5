"""Demo forum threads (demo step "Community", order 40): realistic German questions, some solved, some
answered without a solution, some still waiting (a few longer than 24 hours), then the badge backfill."""
from __future__ import annotations

import secrets
from datetime import timedelta

from community import badges, services
from community.models import Question
from core.extensions import db
from core.models import User, utcnow

EXTRA_USERS = [("mila_b", "Mila B."), ("reto68", "Reto"), ("sandra_z", "Sandra Z."), ("lukas.tech", "Lukas")]

# (asker, hours ago, category, tags, device, title, body, answers [(author, minutes after, body, votes, accepted)])
THREADS = [
    ("kunde", 72, "wlan", "wlan, passwort", "Internet-Box 3", "Wie ändere ich mein WLAN-Passwort?",
     "Ich möchte das WLAN-Passwort ändern, weil es zu viele Nachbarn kennen. Wo finde ich die Einstellung?",
     [("superuser", 12, "Im Browser die Seite der Internet-Box öffnen, unter **WLAN → Einstellungen** das "
       "Passwort ändern und speichern. Danach alle Geräte neu verbinden.", 4, True),
      ("lukas.tech", 50, "Tipp: Gleich auch das Gast-WLAN aktivieren, dann müssen Besucher das Hauptpasswort nicht kennen.",
       2, False)]),
    ("mila_b", 50, "internet", "router, stoerung", "Internet-Box 3", "Internet-Box blinkt rot nach Stromausfall",
     "Seit dem Gewitter gestern blinkt die Box rot und ich habe kein Internet. Neustart habe ich schon versucht.",
     [("superuser", 25, "Rotes Blinken heisst meist: keine Verbindung zum Netz. Bitte das Glasfaser- bzw. "
       "Koaxialkabel prüfen und die Box 30 Sekunden vom Strom nehmen. Hilft das nicht, die Störungsseite prüfen.",
       3, True)]),
    ("reto68", 30, "digital-tv", "tv-box, replay", "TV-Box", "Replay funktioniert bei einigen Sendern nicht",
     "Bei SRF geht Replay, bei einigen privaten Sendern ist die Taste ausgegraut. Ist das normal?",
     [("sandra_z", 40, "Ja, nicht alle Sender erlauben Replay. Das hängt von den Rechten des Senders ab.", 2, False)]),
    ("sandra_z", 20, "mobile", "esim, roaming", "iPhone 15", "eSIM auf neues Handy übertragen",
     "Ich habe ein neues iPhone. Wie bekomme ich meine eSIM darauf, ohne dass die Nummer weg ist?",
     [("superuser", 35, "Im Kundenkonto unter *Mobile → eSIM* ein neues Profil bestellen und den QR-Code auf dem "
       "neuen Gerät scannen. Die Nummer bleibt gleich.", 5, True),
      ("mila_b", 90, "Bei mir hat es auch direkt über die Schnellstart-Funktion von Apple geklappt.", 1, False)]),
    ("lukas.tech", 100, "telefonie", "combox", "", "Combox-PIN vergessen",
     "Ich komme nicht mehr in meine Combox, weil ich die PIN vergessen habe. Kann man die zurücksetzen?",
     [("superuser", 8, "Ja, im Kundenkonto unter Telefonie → Combox kann man eine neue PIN setzen.", 3, True)]),
    ("kunde", 6, "rechnung-konto", "rechnung", "", "Warum ist meine Rechnung diesen Monat höher?",
     "Die letzte Rechnung ist etwa 20 Franken höher als sonst, ich habe aber nichts geändert.",
     [("reto68", 45, "Schau mal bei den Einzelpositionen, oft sind es Anrufe auf Mehrwertnummern oder Roaming.",
       1, False)]),
    ("mila_b", 40, "umzug", "umzug, anschluss", "", "Umzug: Wie früh muss ich den Anschluss melden?",
     "Ich ziehe in zwei Monaten um. Reicht es, wenn ich den Umzug einen Monat vorher melde?", []),
    ("reto68", 28, "wlan", "wlan, reichweite", "Internet-Box 3", "WLAN im Obergeschoss sehr schwach",
     "Im oberen Stock habe ich kaum Empfang. Lohnt sich ein WLAN-Verstärker oder eher Mesh?", []),
    ("sandra_z", 3, "digital-tv", "tv-box, aufnahme", "TV-Box", "Aufnahmen werden abgeschnitten",
     "Meine Aufnahmen hören oft zwei Minuten vor Schluss auf. Kann man eine Nachlaufzeit einstellen?", []),
    ("lukas.tech", 1, "internet", "geschwindigkeit", "", "Speedtest zeigt nur die Hälfte der Bandbreite",
     "Am Kabel messe ich 480 Mbit/s, im WLAN nur 200. Ist das normal oder stimmt etwas nicht?", []),
    ("kunde", 120, "mobile", "roaming", "", "Roaming in Italien aktivieren",
     "Ich fahre nächste Woche nach Italien. Muss ich Roaming extra einschalten?",
     [("lukas.tech", 15, "In der Regel ist Roaming für die EU schon aktiv. Prüfe in den Einstellungen des Handys, "
       "ob Daten-Roaming eingeschaltet ist.", 2, True),
      ("superuser", 30, "Ergänzung: Im Kundenkonto kann man ein Reisepaket dazubuchen, das ist oft günstiger.", 6,
       False)]),
    ("mila_b", 12, "telefonie", "anrufumleitung", "", "Anrufumleitung aufs Handy einrichten",
     "Wie leite ich Anrufe vom Festnetz auf mein Handy um, wenn ich nicht zu Hause bin?",
     [("sandra_z", 20, "Mit *21* gefolgt von der Handynummer und # geht es direkt am Telefon.", 1, False)]),
]


def _user(username: str, display: str | None = None) -> User:
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        user = User(username=username, email=f"{username}@demo.invalid", role="customer", display_name=display,
                    created_at=utcnow() - timedelta(days=200))
        user.set_password(secrets.token_urlsafe(24))
        db.session.add(user)
        db.session.flush()
    return user


def load_demo_threads(echo) -> str:
    if db.session.execute(db.select(Question.id).limit(1)).first() is not None:
        return "Community: bereits vorhanden"
    for username, display in EXTRA_USERS:
        _user(username, display)
    for name in ("kunde", "superuser"):
        user = _user(name)
        if user.created_at > utcnow() - timedelta(days=2):
            user.created_at = utcnow() - timedelta(days=120)
    voters = [_user(name) for name, _ in EXTRA_USERS] + [_user("kunde"), _user("superuser")]
    now = utcnow()
    for asker, hours, category, tags, device, title, body, answers in THREADS:
        question = services.ask_question(_user(asker), title, body, category=category, tags=tags, device=device)
        asked = now - timedelta(hours=hours)
        question.created_at = question.updated_at = question.last_activity_at = asked
        question.view_count = 20 + hours * 3
        for author, minutes, text, votes, accepted in answers:
            answer = services.post_answer(_user(author), question, text)
            answer.created_at = answer.updated_at = asked + timedelta(minutes=minutes)
            if question.first_answer_at is None or question.first_answer_at > answer.created_at:
                question.first_answer_at = answer.created_at
            question.last_activity_at = max(question.last_activity_at, answer.created_at)
            for voter in [v for v in voters if v.id != answer.author_id][:votes]:
                services.vote(voter, "answer", answer, 1)
            if accepted:
                services.accept(question.author, answer)
                answer.accepted_at = min(now, answer.created_at + timedelta(hours=2))
        echo(f"  Frage: {title}")
    _, summary = badges.award_all()
    db.session.commit()
    return f"Community: {len(THREADS)} Fragen, {sum(summary.values())} weitere Abzeichen"
