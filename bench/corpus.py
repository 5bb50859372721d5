"""Synthetic help-center corpus: German-looking articles, videos with transcript cues and forum questions built
from the domain's vocabulary (deterministic for a given seed), plus realistic 1-3 word queries."""
from __future__ import annotations

import random

from search.backend import Document

TOPICS = ["WLAN", "Router", "Modem", "Passwort", "Internet", "TV-Box", "Fernbedienung", "Sendersuchlauf", "Replay",
          "Festnetz", "Combox", "Anrufumleitung", "Handy", "SIM-Karte", "eSIM", "Roaming", "Rechnung", "Mahnung",
          "Umzug", "Kündigung", "Glasfaser", "Repeater", "Mesh", "Speedtest", "Störung", "Firmware", "Gast-WLAN",
          "Jugendschutz", "PIN", "PUK", "Datenvolumen", "Werbeanrufe", "Powerline", "Koaxialkabel", "Steckdose"]
VERBS = ["einrichten", "ändern", "zurücksetzen", "anschliessen", "aktivieren", "sperren", "prüfen", "verbinden",
         "installieren", "neu starten", "kündigen", "bezahlen", "finden", "verbessern", "wechseln", "koppeln"]
FILLER = ("Sie die der das und mit für auf wenn dann Ihr Ihre Gerät Menü Einstellungen Schritt Hilfe Kunden Konto "
          "Lampe leuchtet Anschluss Verbindung Netzwerk Signal Empfang schnell langsam neu wieder zuerst danach "
          "Kabel Dose Taste drücken Sekunden Minuten warten öffnen wählen speichern bestätigen Browser App Code "
          "Nummer Vertrag Angebot Preis Monat Tarif Abo Option Hotline Techniker Termin Adresse Wohnung Haus Zimmer "
          "Reichweite Kanal Frequenz Band Leitung Ausfall Region Meldung Anzeige Bildschirm Fernseher Sender Liste "
          "Favoriten Aufnahme Sendung Serie Film Kinder Schutz Sperre Zugang Anmeldung Login Benutzer Name").split()
CATEGORIES = ["internet", "wlan", "digital-tv", "telefonie", "mobile", "rechnung-konto", "umzug"]


SYLLABLES = ("ver an ein be ge schal lei tung kon takt mo dul netz werk an la ge zu gang da ten spei cher "
             "bild schirm ton spur fern seh pro gramm zeit plan kar te num mer ruf post fach kos ten stand ort "
             "wei ter lei ten mel dung hin weis auf trag kun de ser vice stel le ").split()


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(n)]


def documents(n: int, seed: int = 42):
    """Bodies follow a Zipf distribution over a 4,000-word vocabulary plus common help-center words; each
    document is about one topic (title, tags, a few body mentions), like real articles."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    pool = FILLER + vocab
    weights = _zipf_weights(len(pool))
    for i in range(n):
        kind = ("article", "video", "question")[0 if i % 5 < 3 else (1 if i % 5 == 3 else 2)]
        topic, topic2, verb = rng.choice(TOPICS), rng.choice(TOPICS), rng.choice(VERBS)
        title = f"{topic} {verb}: {rng.choice(FILLER)} {rng.choice(vocab)}"
        words = rng.choices(pool, weights, k=rng.randint(60, 180))
        for _ in range(3):
            words[rng.randrange(len(words))] = topic
        words[rng.randrange(len(words))] = verb
        if rng.random() < 0.3:
            words[rng.randrange(len(words))] = topic2
        body = " ".join(words)
        cues = []
        if kind == "video":
            cue_words = rng.choices(pool, weights, k=150)
            cues = [(j * 7, " ".join(cue_words[j * 10:(j + 1) * 10])) for j in range(15)]
            body = body + " " + " ".join(t for _, t in cues)
        yield Document(key=f"{kind}:{i}", type=kind, obj_id=i, slug=f"doc-{i}", title=title, url=f"/x/{i}",
                       lang="de", category=rng.choice(CATEGORIES), tags=[topic.lower(), verb.split()[0]],
                       summary=" ".join(words[:20]), body=body, cues=cues, version="1",
                       boost=1.5 if kind == "question" and i % 2 else 1.0)


def queries(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.choice((1, 2, 2, 3))
        if k == 1:
            out.append(rng.choice(TOPICS))
        elif k == 2:
            out.append(f"{rng.choice(TOPICS)} {rng.choice(VERBS).split()[0]}")
        else:
            out.append(f"{rng.choice(TOPICS)} {rng.choice(FILLER)} {rng.choice(VERBS).split()[0]}")
    return out
