"""Personal data guard: what it must catch, what ordinary questions must pass, and how findings look."""
import dataclasses
import re

import pytest

from community.pii import BULLET, KIND_LABELS, KINDS, Finding, find_personal_data

# (text, kind, the sensitive value that must be covered by a finding of that kind)
POSITIVE_EXAMPLES = [
    ("Meine Kundennummer ist 123456789, bitte helft mir", "customer_number", "123456789"),
    ("Kd.-Nr.: 12 345 678", "customer_number", "12 345 678"),
    ("Vertragsnr. 4711-0815-12 betrifft den Umzug", "customer_number", "4711-0815-12"),
    ("My customer number is 987654321.", "customer_number", "987654321"),
    ("KdNr 55443322 – Rechnung doppelt", "customer_number", "55443322"),
    ("Mein WLAN-Passwort ist Sonne2024!", "password", "Sonne2024"),
    ("Passwort: geheim123", "password", "geheim123"),
    ("WLAN-Schlüssel = Xk9#mPq2", "password", "Xk9#mPq2"),
    ("my password is hunter22", "password", "hunter22"),
    ("Mein Passwort lautet sonnenblume.", "password", "sonnenblume"),
    ("Netzwerkschlüssel lautet Abcd-1234-Efgh", "password", "Abcd-1234-Efgh"),
    ('Das Passwort für mein WLAN ist "mein geheimes wort"', "password", "mein geheimes wort"),
    ("Die PIN ist 4711, geht aber nicht", "password", "4711"),
    ("Pin-Code 123456 wird abgelehnt", "password", "123456"),
    ("IBAN CH93 0076 2011 6238 5295 7 bitte für die Rückzahlung", "iban", "CH93 0076 2011 6238 5295 7"),
    ("Überweist es auf CH9300762011623852957", "iban", "CH9300762011623852957"),
    ("Mein deutsches Konto: DE89 3704 0044 0532 0130 00", "iban", "DE89 3704 0044 0532 0130 00"),
    ("AT61 1904 3002 3457 3201 ist mein Konto", "iban", "AT61 1904 3002 3457 3201"),
    ("LI21 0881 0000 2324 013A A", "iban", "LI21 0881 0000 2324 013A A"),
    ("Konto in Frankreich FR14 2004 1010 0505 0001 3M02 606", "iban", "FR14 2004 1010 0505 0001 3M02 606"),
    ("IT60 X054 2811 1010 0000 0123 456", "iban", "IT60 X054 2811 1010 0000 0123 456"),
    ("Generic format: GB82 WEST 1234 5698 7654 32", "iban", "GB82 WEST 1234 5698 7654 32"),
    ("Ruf mich an: 079 123 45 67", "phone", "079 123 45 67"),
    ("Erreichbar unter +41 79 123 45 67.", "phone", "+41 79 123 45 67"),
    ("Festnetz 0041 44 123 45 67", "phone", "0041 44 123 45 67"),
    ("Büro 044/123 45 67 ab 9 Uhr", "phone", "044/123 45 67"),
    ("In Berlin: +49 30 1234567", "phone", "+49 30 1234567"),
    ("Oder 030 1234567 anrufen", "phone", "030 1234567"),
    ("Handy 0171 1234567", "phone", "0171 1234567"),
    ("UK: +44 20 7946 0958", "phone", "+44 20 7946 0958"),
    ("Schreibt mir an max.muster@example.ch", "email", "max.muster@example.ch"),
    ("Kontakt: max (at) example.ch", "email", "max (at) example.ch"),
    ("Mail an max [at] example [dot] ch", "email", "max [at] example [dot] ch"),
    ("reach me: max at example dot com", "email", "max at example dot com"),
    ("anna.meier(ät)bluewin.ch", "email", "anna.meier(ät)bluewin.ch"),
    ("Der Techniker soll an die Bahnhofstrasse 12 kommen", "address", "Bahnhofstrasse 12"),
    ("Lieferung an Bahnhofstr. 12a", "address", "Bahnhofstr. 12a"),
    ("Abito in Via Cantonale 3", "address", "Via Cantonale 3"),
    ("J'habite Rue de Lausanne 45", "address", "Rue de Lausanne 45"),
    ("Ich wohne am Stadtpark 3.", "address", "Stadtpark 3"),
    ("Hauptweg 7, kein Empfang im Keller", "address", "Hauptweg 7"),
    ("Ich wohne in 8004 Zürich", "address", "8004 Zürich"),
    ("Anschluss in CH-3011 Bern gestört", "address", "CH-3011 Bern"),
    ("10115 Berlin", "address", "10115 Berlin"),
]

NEGATIVE_EXAMPLES = [
    "Wie ändere ich mein WLAN-Passwort?",
    "Internet geht nicht seit gestern",
    "Mein Router zeigt 192.168.0.1 an",
    "Ich habe 500 Mbit/s gebucht aber nur 80",
    "Rechnung vom 24.11.2026 über CHF 49.90",
    "Passwort vergessen, was tun?",
    "Die Connect Box 2 blinkt rot",
    "Kanal 36 oder 149 im 5-GHz-Band?",
    "Ich habe das Passwort geändert, aber das Handy verbindet sich nicht mehr.",
    "Das Passwort ist zu kurz, sagt die App.",
    "Passwort ist falsch, obwohl ich es kopiert habe",
    "Mein WLAN-Passwort ist nicht mehr gültig.",
    "Das Passwort ist abgelaufen.",
    "Das WLAN-Passwort ist 12 Zeichen lang",
    "The password is wrong.",
    "Kann ich die PIN meiner SIM-Karte ändern?",
    "Wo finde ich meine Kundennummer auf der Rechnung?",
    "Ich wohne in Zürich und das TV-Signal ist schwach.",
    "Port 8080 ist blockiert, wie öffne ich ihn?",
    "Welche Einstellungen braucht das Modell 3000?",
    "Firmware 7.29.1 installiert, seit 2024 keine Updates",
    "Um 08:30 fällt das WLAN jeweils für 5 Minuten aus",
    "Der Techniker kommt zwischen 08:00 und 12:00",
    "Upload 0.5 Mbit/s, Download 12.3 Mbit/s",
    "Version 10.0.0.138 auf der Box",
    "Look at the modem lights: is the power LED green?",
    "Die Hotline 0800 800 800 war besetzt",
    "Speicherplatz 5 GB auf der TV-Box ist voll",
    "Die SIM im Steckplatz 2 wird nicht erkannt",
    "Im Kanal 36 ist es besser.",
    "Ich zahle 49.90 pro Monat, früher 2000 Franken im Jahr",
    "In 1500 Fällen klappt es nicht",
    "Meine Telefonnummer hat sich geändert, wie melde ich das?",
    "IBAN für die Rechnung ändern – wo geht das?",
    "Mein Passwort: ********",
]

IBAN_WITH_BAD_CHECKSUM = "CH94 0076 2011 6238 5295 7"


def _covering(findings, text, kind, value):
    start = text.index(value)
    end = start + len(value)
    return [f for f in findings if f.kind == kind and f.start <= start and f.end >= end]


@pytest.mark.parametrize(("text", "kind", "value"), POSITIVE_EXAMPLES)
def test_personal_data_is_found_and_masked(text, kind, value):
    findings = find_personal_data(text)

    covering = _covering(findings, text, kind, value)
    assert covering, f"{kind} {value!r} not found in {findings}"
    assert value not in covering[0].excerpt
    assert BULLET in covering[0].excerpt


@pytest.mark.parametrize("text", NEGATIVE_EXAMPLES)
def test_ordinary_question_has_no_finding(text):
    assert find_personal_data(text) == []


def test_there_are_enough_examples_of_every_kind():
    kinds = [kind for _, kind, _ in POSITIVE_EXAMPLES]
    assert len(POSITIVE_EXAMPLES) >= 20 and len(NEGATIVE_EXAMPLES) >= 20
    assert all(kinds.count(kind) >= 3 for kind in KINDS)


def test_iban_with_invalid_checksum_is_not_reported():
    assert find_personal_data(f"Meine IBAN: {IBAN_WITH_BAD_CHECKSUM}") == []
    assert find_personal_data(IBAN_WITH_BAD_CHECKSUM.replace(" ", "")) == []


def test_custom_customer_number_pattern_matches_anywhere():
    text = "Meine Nummer steht oben: 123.456.789"

    assert find_personal_data(text) == []
    findings = find_personal_data(text, customer_number_pattern=r"\b\d{3}\.\d{3}\.\d{3}\b")
    assert [(f.kind, text[f.start:f.end]) for f in findings] == [("customer_number", "123.456.789")]
    assert "123.456.789" not in findings[0].excerpt


def test_invalid_custom_pattern_is_a_configuration_error():
    with pytest.raises(re.error):
        find_personal_data("Kundennummer 1234", customer_number_pattern="(unclosed")


def test_customer_number_excerpt_keeps_label_and_masks_middle_digits():
    [finding] = find_personal_data("Kundennummer 123456789")

    assert finding.excerpt == f"Kundennummer 12{BULLET * 5}89"


def test_password_excerpt_hides_the_whole_password():
    [finding] = find_personal_data("Passwort: Sonne2024")

    label, masked = finding.excerpt.split(": ")
    assert label == "Passwort"
    assert set(masked) == {BULLET}


def test_findings_are_sorted_and_distinct():
    text = ("Hallo, ich bin max@example.ch, Tel 079 123 45 67, "
            "Kundennummer 12345678 und IBAN CH93 0076 2011 6238 5295 7.")

    findings = find_personal_data(text)

    assert [f.kind for f in findings] == ["email", "phone", "customer_number", "iban"]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:]))


def test_overlapping_matches_are_merged_into_one_finding():
    text = "Kundennummer 079 123 45 67"  # also phone-shaped digits

    assert [(f.kind, f.start, f.end) for f in find_personal_data(text)] == [("customer_number", 0, len(text))]


def test_street_followed_by_postcode_is_one_address():
    text = "Adresse: Bahnhofstrasse 12, 8004 Zürich"

    [finding] = find_personal_data(text)

    assert text[finding.start:finding.end] == "Bahnhofstrasse 12, 8004 Zürich"
    assert finding.excerpt == f"Bahnhofstrasse {BULLET * 2}, 80{BULLET * 2} Zürich"


def test_two_phone_numbers_in_a_row_are_two_findings():
    text = "Ruf an: 079 123 45 67 / 044 123 45 67"

    assert [text[f.start:f.end] for f in find_personal_data(text)] == ["079 123 45 67", "044 123 45 67"]


def test_offsets_refer_to_the_original_text_with_unusual_spaces():
    text = "Tel.\u00a0079\u00a0123\u00a045\u00a067 – bitte"

    [finding] = find_personal_data(text)

    assert text[finding.start:finding.end] == "079\u00a0123\u00a045\u00a067"


def test_empty_text_gives_no_findings():
    assert find_personal_data("") == []


def test_every_kind_has_a_german_label():
    assert set(KIND_LABELS) == set(KINDS)
    assert KIND_LABELS["customer_number"] == "Kundennummer"
    assert KIND_LABELS["password"] == "Passwort"


def test_finding_is_immutable():
    finding = Finding("email", 0, 3, "a••")

    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 1
