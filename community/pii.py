"""Personal data guard: finds customer numbers, passwords, IBANs, phone numbers,
e-mail addresses and street addresses in forum text before it is published.

Plain Python without Flask; the community services call `find_personal_data`
on a post's title and body and refuse to save while it returns findings.
Every finder searches the original text (offsets stay valid), and every
`Finding.excerpt` masks the sensitive value so it can be shown back safely.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

KINDS = ("customer_number", "password", "iban", "phone", "email", "address")

KIND_LABELS = {
    "customer_number": "Kundennummer",
    "password": "Passwort",
    "iban": "IBAN",
    "phone": "Telefonnummer",
    "email": "E-Mail-Adresse",
    "address": "Adresse",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # offset in the checked text
    end: int
    excerpt: str  # the matched text with the sensitive value masked


def find_personal_data(text: str, *, customer_number_pattern: str | None = None) -> list[Finding]:
    """All findings, sorted by start, overlapping findings merged/deduplicated.

    `customer_number_pattern` is an extra regular expression (from configuration)
    whose matches anywhere in the text count as customer numbers; an invalid
    expression raises `re.error`, because that is a configuration mistake.
    """
    if not text:
        return []
    text = text.translate(_SAME_LENGTH_NORMALISATION)
    hits: list[Finding] = []
    for finder in _FINDERS:
        hits.extend(finder(text))
    if customer_number_pattern:
        hits.extend(_custom_customer_numbers(text, customer_number_pattern))
    return _resolve_overlaps(hits, text)


# --- masking -----------------------------------------------------------------

BULLET = "\u2022"
_SECRET_MASK = BULLET * 8  # fixed width, so a password's length is not shown either


def _mask(value: str, keep_start: int = 0, keep_end: int = 0) -> str:
    """Replace letters and digits with bullets, keeping a few at each end.

    At least half of the characters are always hidden, so a value is never
    shown whole however short it is; separators stay for readability.
    """
    positions = [i for i, char in enumerate(value) if char.isalnum()]
    while keep_start + keep_end > len(positions) / 2:
        if keep_start >= keep_end:
            keep_start -= 1
        else:
            keep_end -= 1
    hidden = set(positions[keep_start:len(positions) - keep_end])
    return "".join(BULLET if i in hidden else char for i, char in enumerate(value))


def _labelled(kind: str, text: str, start: int, value_start: int, end: int, masked_value: str) -> Finding:
    """A finding whose excerpt keeps the label as written and masks the value."""
    return Finding(kind, start, end, text[start:value_start] + masked_value)


# One-to-one character replacements only, so offsets stay those of the input.
_SAME_LENGTH_NORMALISATION = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\uff20": "@", "\ufe6b": "@",
})


# --- customer and contract numbers --------------------------------------------

_CUSTOMER_NUMBER = re.compile(
    r"""
    (?<![\w-])
    (?:
        kunden[-\s]?(?:nummer|nr\.?|id)
      | kd\.?\s?-?\s?nr\.?
      | vertrags[-\s]?(?:nummer|nr\.?)
      | (?:customer|account|contract|client)[-\s](?:number|no\.?|id|\#)
      | num[ée]ro\s(?:de\s)?client
      | numero\s(?:di\s)?cliente
    )
    (?:\s*[:=\#]\s*|\s+(?:ist|lautet|is|est|è)(?:\s*:)?\s*|\s*)
    (?P<value>\d(?:[ ./-]?\d){3,19})
    (?![\w]|[.,/-]\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)


def _customer_numbers(text: str) -> Iterator[Finding]:
    for match in _CUSTOMER_NUMBER.finditer(text):
        value_start = match.start("value")
        yield _labelled("customer_number", text, match.start(), value_start, match.end(),
                        _mask(match["value"], 2, 2))


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _custom_customer_numbers(text: str, pattern: str) -> Iterator[Finding]:
    for match in _compiled(pattern).finditer(text):
        if match.end() > match.start():
            yield Finding("customer_number", match.start(), match.end(), _mask(match[0], 2, 2))


# --- passwords and PINs --------------------------------------------------------

_PASSWORD = re.compile(
    r"""
    (?<![\w-])
    (?:
        (?:wlan|wi-?fi|router|modem|e-?mail|mail|login|admin|konto|account)[-\s]?
            (?:passwort|password|kennwort|schlüssel|schluessel|key|pw)
      | wpa[23]?[-\s]?(?:key|schlüssel|schluessel|passwort|password)
      | netzwerk[-\s]?(?:schlüssel|schluessel|key)
      | (?:[a-zäöü]+-?)?(?:passwort|password|kennwort)  # also Routerpasswort, Admin-Kennwort
      | passwd|passcode|zugangscode|pwd|pw
    )
    (?![\w])
    (?:\s(?:für|fürs|vom|von|des|zum|for|of)\s
        (?:(?:das|den|die|dem|mein|meine|meinen|meinem|unser|unsere|my|the|our)\s)?[\w-]+)?
    (?P<connector>
        \s*[:=]\s*
      | \s+(?:ist|lautet|lautete|heisst|heißt|war|is|was)
        (?:\s(?:jetzt|nun|aktuell|neu|now|still|immer\snoch|noch))?(?:\s*:)?\s+
    )
    (?P<value>"[^"\n]{4,64}"|„[^“”\n]{4,64}[“”]|'[^'\n]{4,64}'|«[^»\n]{4,64}»|\S{1,100})
    """,
    re.IGNORECASE | re.VERBOSE,
)

_PIN = re.compile(
    r"""
    (?<![\w-])
    (?:sim-?)?(?:pin|puk)(?:-?(?:code|nummer))?
    (?:\s*[:=]\s*|\s+(?:ist|lautet|is|war|was)(?:\s*:)?\s*|\s+)
    (?P<value>\d{4,8})
    (?![\w]|[.,:/-]\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Words that follow "Passwort ist ..." in ordinary questions.  Compared in lower case.
_NOT_SECRETS = frozenset("""
    falsch falsche richtig richtige korrekt korrekte inkorrekt nicht kein keine keinen noch immer
    schon jetzt auch aber leider sehr ganz viel mehr weniger gleich gleiche gleichen dasselbe
    dieselbe derselbe selbe selben anders abgelaufen ungültig gültig gesperrt geändert vergessen
    verloren leer lang länger kurz kürzer sicher unsicher geheim privat bekannt unbekannt dabei
    hier dort unten oben folgendes folgende dies diese dieses dieser eine einer einen einem mein
    meine meiner meinen dein deine sein seine unser unsere irgendwie eigentlich wirklich einfach
    komisch seltsam merkwürdig standard default voreingestellt hinterlegt gespeichert identisch
    zurückgesetzt vorhanden notwendig nötig erforderlich optional beliebig egal wichtig hilfe
    problem angegeben aufgedruckt etwas nichts alles wieder bereits trotzdem manchmal selten
    klein gross groß schwach stark geschrieben angezeigt gedruckt ersichtlich sichtbar nirgends
    irgendwo zuhause daheim hinten vorne definitiv bestimmt vielleicht wahrscheinlich eben genau
    bisher derzeit aktuell momentan weiterhin ohnehin sowieso gerade nämlich dann wenn weil dass
    obwohl sondern oder mindestens maximal zwischen siehe unterschiedlich verschieden
    passwort password kennwort wrong right correct incorrect invalid valid expired changed
    forgotten lost blank empty missing required still also just really same different
    case-sensitive there here something nothing locked blocked weak strong secure secret
    private unknown known long short printed shown written stored saved reset fine okay good
    wpa2 wpa3 wpa2-psk wpa3-sae wpa2/wpa3 ipv4 ipv6 utf-8
""".split())

_ADJECTIVE_OR_PARTICIPLE = re.compile(
    r"(?:lich|ig|isch|bar|los|sam|haft|iert|ell|iv)$|^(?:ge|be|ver|er|ent|zer|un)\w{2,}(?:t|en|et)$",
    re.IGNORECASE,
)
_COUNTED_LENGTH = re.compile(r"^\d+-?(?:stellig|zeichen|stellen|digits?|chars?|characters?)$|^\w+-[a-zäöüß]{4,}$",
                             re.IGNORECASE)
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
_PLACEHOLDER = re.compile(r"^[*•xX#._-]+$")
_QUOTES_AND_BRACKETS = "\"'„“”‚‘’«»‹›<>[](){}"
_TRAILING_PUNCTUATION = ".,;:!?"
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?)\]\"'»“”]|$)")
_LENGTH_UNIT_AHEAD = re.compile(r"\s+(?:Zeichen|Stellen|Ziffern|characters|chars|digits)\b", re.IGNORECASE)


def _passwords(text: str) -> Iterator[Finding]:
    for match in _PASSWORD.finditer(text):
        value = _trim_password_value(match["value"])
        end = match.start("value") + len(value)
        if _looks_like_secret(value, text, end):
            yield _labelled("password", text, match.start(), match.start("value"), end, _SECRET_MASK)
    for match in _PIN.finditer(text):
        yield _labelled("password", text, match.start(), match.start("value"), match.end(), _SECRET_MASK)


def _trim_password_value(value: str) -> str:
    """Drop sentence punctuation after an unquoted value ("ist Abc123." → "Abc123")."""
    if value[0] in _QUOTES_AND_BRACKETS:
        return value
    trimmed = value.rstrip(".,;:)")
    return trimmed if len(trimmed) >= 4 else value


def _looks_like_secret(value: str, text: str, end: int) -> bool:
    core = value.strip(_QUOTES_AND_BRACKETS).rstrip(_TRAILING_PUNCTUATION).strip(_QUOTES_AND_BRACKETS)
    if len(core) < 4 or core.lower() in _NOT_SECRETS or _PLACEHOLDER.match(core):
        return False
    if _COUNTED_LENGTH.match(core) or _LENGTH_UNIT_AHEAD.match(text, end):
        return False  # "ist 12-stellig", "ist 12345 Zeichen lang"
    if value[0] in "\"'„«":
        return True  # a quoted value after "Passwort ist" is the password itself
    ends_clause = bool(_CLAUSE_END.match(text, end))
    if _YEAR_LIKE.fullmatch(core) and not ends_clause:
        return False  # "ist 2024 abgelaufen"
    if _is_strong_token(core):
        return True
    # A plain word counts only when it ends the clause and is not an adjective or participle.
    return ends_clause and not _ADJECTIVE_OR_PARTICIPLE.search(core)


def _is_strong_token(core: str) -> bool:
    """Digits, symbols or inner capitals: the shape of a chosen password, not of a word."""
    has_digit = any(char.isdigit() for char in core)
    has_symbol = any(not char.isalnum() and char != "-" for char in core)
    inner_capital = any(char.isupper() for char in core[1:]) and any(char.islower() for char in core)
    return has_digit or has_symbol or inner_capital


# --- IBAN ------------------------------------------------------------------------

# ISO 13616 lengths per country (SWIFT IBAN registry).
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
_IBAN_MIN, _IBAN_MAX = 15, 34
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")


def _ibans(text: str) -> Iterator[Finding]:
    for match in _IBAN_START.finditer(text):
        positions = _iban_character_positions(text, match.start())
        length = _valid_iban_length(text, positions)
        if length:
            start, end = positions[0], positions[length - 1] + 1
            yield Finding("iban", start, end, _mask(text[start:end], 4, 2))


def _iban_character_positions(text: str, start: int) -> list[int]:
    """Offsets of the IBAN-like characters from `start`; single spaces or dashes may group them."""
    positions: list[int] = []
    i = start
    while i < len(text) and len(positions) <= _IBAN_MAX:
        if _is_ascii_alnum(text[i]):
            positions.append(i)
        elif not (text[i] in " -" and i + 1 < len(text) and _is_ascii_alnum(text[i + 1])):
            break
        i += 1
    return positions


def _valid_iban_length(text: str, positions: list[int]) -> int:
    """The number of characters forming a checksum-valid IBAN, or 0."""
    country = text[positions[0]:positions[0] + 2].upper()
    if country in _IBAN_LENGTHS:
        candidates = [_IBAN_LENGTHS[country]]
    elif text[positions[0]:positions[0] + 2].isupper():
        candidates = range(min(len(positions), _IBAN_MAX), _IBAN_MIN - 1, -1)
    else:
        return 0
    for length in candidates:
        if len(positions) >= length and _ends_at_boundary(positions, length):
            iban = "".join(text[i] for i in positions[:length])
            if _iban_checksum_ok(iban):
                return length
    return 0


def _ends_at_boundary(positions: list[int], length: int) -> bool:
    """True when the characters after `length` are separated from it, not glued on."""
    return len(positions) == length or positions[length] != positions[length - 1] + 1


def _iban_checksum_ok(iban: str) -> bool:
    """ISO 13616 / ISO 7064 mod 97-10: move the first four characters to the end, read A=10 … Z=35."""
    rearranged = (iban[4:] + iban[:4]).upper()
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


# --- phone numbers -------------------------------------------------------------------

# A run starting with "+", "00" or "0": at most 15 digits plus separators.  The look-behinds
# keep out the tails of versions, dates and IP addresses ("192.168.0.1", "1.0.0.123").
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?<!\d[.,/:-])(?:\+|\(?0)\d[\d ()/.-]{0,24}\d")
_PHONE_GLUED_AFTER = re.compile(r"\w|[.,/:-]\d| \d")  # part of a longer number
_PHONE_DOTTED = re.compile(r"(?:\+\d{2}\.|0)\d{2}\.\d{3}\.\d{2}\.\d{2}")  # 079.123.45.67
_PHONE_DATE = re.compile(r"\(?0\d([/-])\d{1,2}\1")  # 01/02/2026
_TRUNK_ZERO = re.compile(r"\(0\)")  # +41 (0)44 …
_DIGIT_GROUP = re.compile(r"\d+")
# Business numbers (free, shared-cost, premium) are public, not personal data.
_SERVICE_PREFIXES = ("0800", "0180", "084", "090")


def _phones(text: str) -> Iterator[Finding]:
    position = 0
    while match := _PHONE_CANDIDATE.search(text, position):
        end = _longest_phone_end(text, match.start(), match.end())
        if end:
            yield Finding("phone", match.start(), end, _mask(text[match.start():end], 3, 2))
            position = end
        else:
            position = match.start() + 1


def _longest_phone_end(text: str, start: int, end: int) -> int:
    """End of the longest leading part of the candidate that is a phone number, or 0."""
    group_ends = [m.end() for m in _DIGIT_GROUP.finditer(text, start, end)]
    for group_end in reversed(group_ends):
        if not _PHONE_GLUED_AFTER.match(text, group_end) and _is_phone_number(text[start:group_end]):
            return group_end
    return 0


def _is_phone_number(candidate: str) -> bool:
    if candidate.count("(") != candidate.count(")") or _PHONE_DATE.match(candidate):
        return False
    if "." in candidate:
        return bool(_PHONE_DOTTED.fullmatch(candidate))
    groups = _DIGIT_GROUP.findall(_TRUNK_ZERO.sub(" ", candidate))
    if any(len(group) < 2 for group in groups[1:]):
        return False
    digits = "".join(groups)
    if candidate.startswith("+") or digits.startswith("00"):
        return _is_international_number(digits.removeprefix("00"))
    return 9 <= len(digits) <= 12 and not digits.startswith(_SERVICE_PREFIXES)


def _is_international_number(digits: str) -> bool:
    """Country code plus national number, E.164 (at most 15 digits); +41 has exactly 9 after it."""
    if digits.startswith("0"):
        return False
    if digits.startswith("41"):
        return len(digits) == 11
    return 9 <= len(digits) <= 15


# --- e-mail addresses ----------------------------------------------------------------------

_LOCAL_PART = r"(?P<local>[A-Za-z0-9][\w.%+-]*)"
_DOMAIN_LABEL = r"[A-Za-z0-9äöü](?:[A-Za-z0-9äöü-]{0,61}[A-Za-z0-9äöü])?"
_ANY_TLD = r"[A-Za-z]{2,24}(?![\w-])"
_COMMON_TLD = r"(?:ch|li|de|at|com|net|org|info|eu|fr|it|swiss|io|co|uk|us|biz|me|email)(?![\w-])"
_BRACKET_AT = r"\s*[(\[{<]\s*(?:at|ät|@)\s*[)\]}>]\s*"
_BRACKET_DOT = r"\s*[(\[{<]\s*(?:dot|punkt|\.)\s*[)\]}>]\s*"
_WORD_DOT = r"\s+(?:dot|punkt)\s+"

_EMAILS = (
    # name@example.ch
    re.compile(rf"(?<![\w.%+-]){_LOCAL_PART}@(?:{_DOMAIN_LABEL}\.)+{_ANY_TLD}"),
    # name (at) example.ch, name [at] example [dot] ch
    re.compile(rf"(?<![\w.%+-]){_LOCAL_PART}{_BRACKET_AT}"
               rf"(?:{_DOMAIN_LABEL}(?:{_BRACKET_DOT}|{_WORD_DOT}|\.))+{_ANY_TLD}", re.IGNORECASE),
    # name at example dot com: plain "at" only together with spelled-out dots and a common TLD
    re.compile(rf"(?<![\w.%+-]){_LOCAL_PART}\s+(?:at|ät)\s+"
               rf"(?:{_DOMAIN_LABEL}(?:{_BRACKET_DOT}|{_WORD_DOT}))+{_COMMON_TLD}", re.IGNORECASE),
    # name @ example.ch
    re.compile(rf"(?<![\w.%+-]){_LOCAL_PART}\s+@\s+(?:{_DOMAIN_LABEL}\.)+{_COMMON_TLD}", re.IGNORECASE),
)


def _emails(text: str) -> Iterator[Finding]:
    for pattern in _EMAILS:
        for match in pattern.finditer(text):
            excerpt = _mask(match["local"], 1, 0) + text[match.end("local"):match.end()]
            yield Finding("email", match.start(), match.end(), excerpt)


# --- street addresses and postcodes ------------------------------------------------------------

_HOUSE_NUMBER = r"(?:Nr\.\s?)?(?P<number>\d{1,3}[a-zA-Z]?(?:\s?[-/]\s?\d{1,3}[a-zA-Z]?)?)(?![\w]|[.,:/]\d)"
_NOT_A_UNIT = (r"(?!\s*(?:%|°|[KMGT]B\b|[kKMG]bit|Mbps|[GM]Hz|Uhr\b|Min|Std\b|Stunden|Tage|[Mm]al\b|x\b"
               r"|[Mm]eters?\b|m\b|cm\b|CHF|Fr\.|EUR|Euro|Franken|Prozent|Geräte|Sender|Kanäle))")
_LOWER = r"a-zäöüßéèàâç"
_STREET_SUFFIX = (r"(?:strasse|straße|str\.|gasse|gässli|weg|platz|allee|quai|ring|damm|ufer|chaussee|pfad"
                  r"|steig|graben|halde|matte|promenade)")
_STREET_WORD = r"(?:Strasse|Straße|Str\.|Gasse|Weg|Platz|Allee|Ring|Quai)"
_ARTICLE = (r"(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Einen|Mein|Meine|Dein|Deine|Unser|Unsere|Kein|Keine"
            r"|Jeder|Jede|Diese|Dieser|Welche|Welcher)\s")

_STREETS = (
    # Bahnhofstrasse 12, Alte Landstrasse 3, Bahnhofstr. 12a, Hauptweg 7
    re.compile(rf"(?<![\w-])(?:(?!{_ARTICLE})[A-ZÄÖÜ][{_LOWER}]+(?:e|er|es|en)\s)?"
               rf"(?P<name>[A-ZÄÖÜ][{_LOWER}]+?{_STREET_SUFFIX})\s?{_HOUSE_NUMBER}{_NOT_A_UNIT}"),
    # Zürcher Strasse 5, Karl-Marx-Allee 3
    re.compile(rf"(?<![\w-])(?!{_ARTICLE})(?:[A-ZÄÖÜ][{_LOWER}]+(?:e|er|es|en)\s|(?:[A-ZÄÖÜ][{_LOWER}]+-)+)"
               rf"(?P<name>{_STREET_WORD})\s?{_HOUSE_NUMBER}{_NOT_A_UNIT}"),
    # Via Cantonale 3, Rue de Lausanne 45, Chemin des Vignes 2a
    re.compile(rf"(?<![\w-])(?P<name>(?:Via|Viale|Vicolo|Piazza|Piazzale|Corso|Strada|Rue|Route|Rte\.|Chemin"
               rf"|Ch\.|Avenue|Av\.|Boulevard|Bd\.?|Place|Ruelle|Impasse|Quai|Sentier|Allée)\s"
               rf"(?:(?:de|du|des|della|delle|dei|del|di|da|la|le|les|al|alla|San|Santa|St\.|Ste\.?)\s|[ld]['’])*"
               rf"[A-ZÄÖÜÉÈÀ][\w'’-]*(?:\s[A-ZÄÖÜÉÈÀ][\w'’-]*)?)\s{_HOUSE_NUMBER}{_NOT_A_UNIT}"),
)
# 45, rue de Lausanne
_NUMBER_FIRST_STREET = re.compile(
    rf"(?<![\w.,-])(?P<number>\d{{1,3}}[a-z]?),?\s(?P<name>(?:rue|avenue|chemin|route|boulevard|place|quai)\s"
    rf"(?:(?:de|du|des|la|le|les)\s|[ld]['’])*[A-ZÉÈÀ][\w'’-]+)"
)
# Am Stadtpark 3, Im Ried 2, An der Alster 10: too close to ordinary phrases ("im Kanal 36"),
# so they count only with an address cue before them or a postcode after them.
_PREPOSITION_STREET = re.compile(
    rf"(?<![\w-])(?P<name>(?:[Aa]m|[Ii]m|[Aa]n\s(?:der|den)|[Aa]uf\s(?:der|dem)|[Ii]n\s(?:der|den)|[Zz]um|[Zz]ur"
    rf"|[Uu]nter\s(?:der|den)|[Hh]inter\s(?:der|dem|den)|[Vv]or\sdem|[Bb]eim)\s"
    rf"[A-ZÄÖÜ][{_LOWER}]+(?:-[A-ZÄÖÜ][{_LOWER}]+)?)\s{_HOUSE_NUMBER}{_NOT_A_UNIT}"
)
_ADDRESS_CUE_BEFORE = re.compile(
    r"(?:wohne|wohnen|wohnt|wohnhaft|adresse|anschrift|wohnort|domizil|live|lives|address)\b[^.!?\n]{0,20}$",
    re.IGNORECASE,
)
_POSTCODE_AHEAD = re.compile(r"\s*,?\s*(?:(?:CH|D|DE|A|AT|FL|LI)-\s?)?(?:[1-9]\d{3}|\d{5})\s+[A-ZÄÖÜ]")
# Compound nouns that end like streets but are things on the help center ("Steckplatz 2").
_NOT_STREETS = frozenset("""
    speicherplatz arbeitsplatz steckplatz parkplatz stellplatz sitzplatz spielplatz ablageplatz
    einbauplatz campingplatz umweg ausweg rückweg heimweg hinweg lösungsweg signalweg dienstweg
    rechtsweg zahlungsweg versandweg übertragungsweg zugangsweg string bahnsteig dateipfad suchpfad
    wlan lan app bluetooth kabel ethernet usb hdmi wps browser router internet mail e-mail sms web
    telefon handy modem box tv kreis stock stockwerk geschoss obergeschoss jahr kanton keller
""".split())

_POSTCODE = re.compile(
    rf"""
    (?<![\w.,:/+-])
    (?:(?P<country>CH|D|DE|A|AT|FL|LI)-\s?)?
    (?P<code>[1-9]\d{{3}}|\d{{5}})\s
    (?P<town>(?:St\.\s?|Sankt\s|La\s|Le\s|Les\s|Bad\s)?
        (?P<town_name>[A-ZÄÖÜÉ][{_LOWER}]+(?:-[A-ZÄÖÜÉa-zäöüé][{_LOWER}]*)*)
        (?:\s(?:am|an\sder|im|bei|ob|sur|sous)\s[A-ZÄÖÜ][{_LOWER}]+)?)
    (?![\w])
    """,
    re.VERBOSE,
)
# A house number just before (", 8952 Schlieren" after "Dorfstrasse 3") or an address word.
_POSTCODE_CUE_BEFORE = re.compile(
    r"(?:\d[a-zA-Z]?\s*[,\n]|\bPLZ:?|\bOrt:?|\bwohne(?:\sin)?|\bwohnhaft(?:\sin)?|\bWohnort:?"
    r"|\bAdresse:?|\bAnschrift:?)\s*$",
    re.IGNORECASE,
)
_NOT_POSTCODE_BEFORE = re.compile(r"\b(?:Port|Modell|Model|Typ|Type|Version|Kanal|Channel|Serie|Nr)\.?\s*$",
                                  re.IGNORECASE)
_KNOWN_TOWNS = frozenset("""
    zürich zurich bern basel genf genève geneva lausanne luzern lucerne lugano winterthur gallen
    biel bienne thun köniz fribourg freiburg schaffhausen chur uster sion sitten neuchâtel neuenburg
    emmen zug aarau baden olten solothurn wil rapperswil rapperswil-jona frauenfeld kriens dübendorf
    dietikon wetzikon montreux yverdon yverdon-les-bains bellinzona locarno kloten vaduz schaan
    riehen allschwil horgen wädenswil bülach meilen davos arosa schlieren opfikon wallisellen
    adliswil thalwil küsnacht affoltern burgdorf langenthal liestal pratteln muttenz brugg wohlen
    zofingen lenzburg kreuzlingen arbon amriswil gossau herisau appenzell altdorf schwyz stans
    sarnen glarus visp brig martigny monthey sierre nyon morges vevey renens bulle delémont
    berlin hamburg münchen köln frankfurt stuttgart düsseldorf leipzig dortmund essen bremen
    dresden hannover nürnberg duisburg bochum wuppertal bielefeld bonn münster mannheim karlsruhe
    augsburg wiesbaden konstanz lörrach ulm heidelberg kiel rostock mainz potsdam
    wien graz linz salzburg innsbruck bregenz feldkirch dornbirn klagenfurt
""".split())
# Capitalised nouns that follow a 4-5 digit number in ordinary sentences ("2000 Franken").
_NOT_TOWNS = frozenset("""
    franken rappen euro dollar prozent mbit kbit gbit mbps kilobit megabit gigabit bit byte bytes
    stück mal jahre jahren tage tagen monate stunden minuten sekunden kunden nutzer sender kanäle
    punkte meter kilometer watt volt zeichen fehler geräte mails nachrichten seiten probleme anrufe
    filme serien programme mitglieder beiträge antworten fragen downloads einheiten pixel
""".split())


def _addresses(text: str) -> Iterator[Finding]:
    yield from _streets(text)
    yield from _preposition_streets(text)
    yield from _postcodes(text)


def _street_finding(text: str, match: re.Match[str]) -> Finding:
    number_start, number_end = match.span("number")
    excerpt = text[match.start():number_start] + _mask(match["number"]) + text[number_end:match.end()]
    return Finding("address", match.start(), match.end(), excerpt)


def _streets(text: str) -> Iterator[Finding]:
    for pattern in (*_STREETS, _NUMBER_FIRST_STREET):
        for match in pattern.finditer(text):
            if not _names_a_thing(match["name"]):
                yield _street_finding(text, match)


def _names_a_thing(name: str) -> bool:
    """True for "Steckplatz", "Via Bluetooth", "im Kreis": street-shaped, but not streets."""
    lowered = name.lower()
    return lowered in _NOT_STREETS or lowered.split()[-1] in _NOT_STREETS


def _preposition_streets(text: str) -> Iterator[Finding]:
    for match in _PREPOSITION_STREET.finditer(text):
        if _names_a_thing(match["name"]):
            continue
        cue_before = _ADDRESS_CUE_BEFORE.search(text, max(0, match.start() - 40), match.start())
        if cue_before or _POSTCODE_AHEAD.match(text, match.end()):
            yield _street_finding(text, match)


def _postcodes(text: str) -> Iterator[Finding]:
    for match in _POSTCODE.finditer(text):
        if _is_postcode_with_town(text, match):
            code_start = match.start("code")
            excerpt = text[match.start():code_start] + _mask(match["code"], 2, 0) + text[match.end("code"):match.end()]
            yield Finding("address", match.start(), match.end(), excerpt)


def _is_postcode_with_town(text: str, match: re.Match[str]) -> bool:
    town = match["town_name"].lower()
    before = text[max(0, match.start() - 20):match.start()]
    if town in _NOT_TOWNS or _NOT_POSTCODE_BEFORE.search(before):
        return False
    if match["country"] or town in _KNOWN_TOWNS:
        return True
    return bool(_POSTCODE_CUE_BEFORE.search(before)) and not _YEAR_LIKE.fullmatch(match["code"])


# --- combining findings ---------------------------------------------------------------------------

_FINDERS = (_customer_numbers, _passwords, _ibans, _phones, _emails, _addresses)
_ADDRESS_JOIN = re.compile(r"[ ,\n]{0,4}")


def _resolve_overlaps(hits: list[Finding], text: str) -> list[Finding]:
    """Sort findings; one that overlaps an earlier, longer one is folded into it.

    The earlier finding keeps its kind (a labelled customer number wins over the
    phone-like digits inside it); a street followed directly by its postcode and
    town becomes one address.
    """
    ordered = sorted(hits, key=lambda hit: (hit.start, -hit.end, KINDS.index(hit.kind)))
    resolved: list[Finding] = []
    for hit in ordered:
        previous = resolved[-1] if resolved else None
        if previous and hit.start < previous.end:
            if hit.end > previous.end:
                resolved[-1] = _extend(previous, hit.end, _mask(text[previous.end:hit.end]))
        elif previous and _continues_address(previous, hit, text):
            resolved[-1] = _extend(previous, hit.end, text[previous.end:hit.start] + hit.excerpt)
        else:
            resolved.append(hit)
    return resolved


def _continues_address(previous: Finding, hit: Finding, text: str) -> bool:
    """A postcode and town right after a street ("Bahnhofstrasse 12, 8004 Zürich")."""
    same_address = previous.kind == hit.kind == "address"
    return same_address and bool(_ADDRESS_JOIN.fullmatch(text, previous.end, hit.start))


def _extend(finding: Finding, end: int, excerpt_tail: str) -> Finding:
    return Finding(finding.kind, finding.start, end, finding.excerpt + excerpt_tail)
