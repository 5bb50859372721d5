"""Every translatable string of a package (Python and its templates) has a non-empty English translation.

Extraction uses Babel, as `pybabel extract -F babel.cfg` does. To cover another package, add it to PACKAGES with
its sources, its templates and its catalog.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


@dataclass(frozen=True)
class Package:
    name: str
    sources: tuple[str, ...]  # Python files or folders, relative to the repository
    templates: tuple[str, ...]  # template files or folders
    catalog: str = ""

    @property
    def catalog_path(self) -> Path:
        return ROOT / (self.catalog or f"{self.name}/translations/en/LC_MESSAGES/messages.po")


PACKAGES = [
    Package("core", sources=("core",),
            templates=("templates/core", "templates/errors", "templates/base.html", "templates/macros")),
    Package("api", sources=("api/__init__.py", "api/openapi.py"), templates=()),
]


def _files(paths: tuple[str, ...], suffix: str) -> list[Path]:
    found = []
    for each in paths:
        path = ROOT / each
        found += sorted(path.rglob(f"*{suffix}")) if path.is_dir() else [path]
    return [f for f in found if "translations" not in f.parts]


def extract(package: Package) -> dict[str | tuple, list[str]]:
    """msgid (a tuple for plurals) → where it is used."""
    messages: dict[str | tuple, list[str]] = {}
    for method, suffix, roots in (("python", ".py", package.sources), ("jinja2", ".html", package.templates)):
        for path in _files(roots, suffix):
            for lineno, message, _comments, _context in extract_from_file(method, str(path), keywords=KEYWORDS):
                messages.setdefault(message, []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return messages


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_message_has_an_english_translation(package):
    messages = extract(package)
    assert messages, f"nothing extracted from {package.name}: wrong paths?"
    with package.catalog_path.open("rb") as handle:
        catalog = read_po(handle)
    missing, bad_placeholders = [], []
    for msgid, where in sorted(messages.items(), key=lambda item: str(item[0])):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalog.get(key)
        strings = [entry.string] if entry and isinstance(entry.string, str) else list(entry.string if entry else [])
        if not entry or not all(s and s.strip() for s in strings):
            missing.append(f"{key!r} ({where[0]})")
        elif _placeholders(key) != set().union(*(_placeholders(s) for s in strings)):
            bad_placeholders.append(f"{key!r} → {strings!r}")
    assert not missing, f"{len(missing)} message(s) of {package.name} lack an English translation in " \
                        f"{package.catalog_path.relative_to(ROOT)}:\n" + "\n".join(missing)
    assert not bad_placeholders, "placeholders differ:\n" + "\n".join(bad_placeholders)


def _all_catalogs() -> dict[Path, object]:
    catalogs = {}
    for path in sorted(ROOT.glob("**/translations/en/LC_MESSAGES/messages.po")):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            with path.open("rb") as handle:
                catalogs[path] = read_po(handle)
    return catalogs


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_no_other_catalog_translates_the_same_message_differently(package):
    """Flask-Babel merges all catalogs and the last one wins: a msgid must mean the same everywhere."""
    catalogs = _all_catalogs()
    own = catalogs[package.catalog_path]
    conflicts = []
    for message in own:
        if not message.id or not message.string:
            continue
        for path, other in catalogs.items():
            theirs = other.get(message.id) if path != package.catalog_path else None
            if theirs is not None and theirs.string and theirs.string != message.string:
                conflicts.append(f"{message.id!r}: {message.string!r} here, {theirs.string!r} in "
                                 f"{path.relative_to(ROOT)}")
    assert not conflicts, "\n".join(conflicts)


# Calls whose first argument is shown to people: it must be a gettext call, not a bare or formatted string.
USER_FACING = {"DomainError", "PermissionDenied", "NotFound", "fail", "_require", "error_response", "flash"}
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext"}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_text(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.BinOp) and _is_text(node.left))


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_user_facing_messages_go_through_gettext(package):
    """DomainError("…") or _(f"…") would reach an English reader in German: the text must be a literal msgid."""
    offenders = []
    for path in _files(package.sources, ".py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name, where = _name(node.func), f"{path.relative_to(ROOT)}:{node.lineno}"
            message = node.args[1] if name == "_require" and len(node.args) > 1 else node.args[0]
            if name in USER_FACING and name != "error_response" and _is_text(message):
                offenders.append(f"{where}: {name}() with a bare string")
            if name == "error_response" and len(node.args) > 1 and _is_text(node.args[1]):
                offenders.append(f"{where}: error_response() with a bare string")
            if name in GETTEXT and not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                offenders.append(f"{where}: {name}() of a computed string can't be extracted")
    assert not offenders, "\n".join(offenders)


SITE = Package("site", sources=("core", "api", "kb", "content", "search", "community"), templates=("templates",))


def test_every_message_of_the_site_is_translated_in_some_catalog():
    """At run time Flask-Babel merges every package's catalog (BABEL_TRANSLATION_DIRECTORIES), so a message may
    live in any of them; none may be missing or empty."""
    catalogs = []
    for path in sorted(ROOT.glob("**/translations/en/LC_MESSAGES/messages.po")):
        if ".venv" not in path.parts:
            with path.open("rb") as handle:
                catalogs.append(read_po(handle))
    assert len(catalogs) >= 7
    missing = []
    for msgid, where in sorted(extract(SITE).items(), key=lambda item: str(item[0])):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entries = [c.get(key) for c in catalogs if c.get(key) is not None]
        strings = [s for e in entries for s in ([e.string] if isinstance(e.string, str) else e.string)]
        if not strings or not all(s and s.strip() for s in strings):
            missing.append(f"{key!r} ({where[0]})")
    assert not missing, f"{len(missing)} message(s) lack an English translation:\n" + "\n".join(missing)
