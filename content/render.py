"""The one sanitizer: Markdown → HTML → bleach with an explicit allowlist. Nothing else calls bleach.

Shortcodes such as ``[[video:ID@90]]`` are cut out before Markdown runs and replaced after cleaning with
HTML from trusted templates (registered by the owning package), so user input never supplies markup for them.
"""
from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.css_sanitizer import CSSSanitizer
from bleach.linkifier import LinkifyFilter
from markdown.extensions.toc import slugify_unicode

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
# Only the classes our own Markdown extensions emit; user-supplied classes are dropped.
ALLOWED_CLASSES = frozenset({"admonition", "admonition-title", "note", "tip", "hint", "important", "warning",
                             "caution", "danger", "attention", "error", "info", "codehilite", "toc"})
HEADING_ID = re.compile(r"^[\w-]{1,120}$", re.UNICODE)
CSS = CSSSanitizer(allowed_css_properties=["text-align"])

SHORTCODE = re.compile(r"\[\[(?P<name>[a-z]+):(?P<arg>[A-Za-z0-9_\-@.]{1,80})\]\]")
ShortcodeRenderer = Callable[[str], "str | None"]
_shortcodes: dict[str, ShortcodeRenderer] = {}
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def register_shortcode(name: str, renderer: ShortcodeRenderer) -> None:
    """Register trusted HTML for ``[[name:arg]]``; the renderer returns None for an unknown arg."""
    _shortcodes[name] = renderer


def _filter_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(part in ALLOWED_CLASSES for part in value.split())
    if tag == "a":
        return name in {"href", "title", "rel"}
    if tag == "img":
        return name in {"src", "alt", "title", "width", "height"}
    if tag in {"th", "td"}:
        return name in {"style", "colspan", "rowspan"}
    if tag in {"h2", "h3", "h4", "h5", "h6"}:
        return name == "id" and bool(HEADING_ID.match(value))
    if tag in {"ol"}:
        return name == "start"
    if tag == "abbr":
        return name == "title"
    return False


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme in {"http", "https"} and parts.netloc)


def _link_rel(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if _is_external(href):
        attrs[(None, "rel")] = "nofollow noopener"
    else:
        attrs.pop((None, "rel"), None)
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_filter_attribute,
    protocols=ALLOWED_PROTOCOLS,
    css_sanitizer=CSS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_rel], skip_tags={"pre", "code"})],
)


def clean_html(fragment: str) -> str:
    """Sanitize any HTML fragment with the allowlist; external links get rel="nofollow noopener"."""
    return _cleaner.clean(fragment or "")


@dataclass
class Rendered:
    html: str
    toc_html: str = ""
    headings: list[dict] = field(default_factory=list)
    shortcodes: list[tuple[str, str]] = field(default_factory=list)


def _flatten_toc(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append({"id": token["id"], "name": html.unescape(token["name"]), "level": token["level"]})
        flat.extend(_flatten_toc(token.get("children", [])))
    return flat


def render_markdown(source: str, *, toc: bool = True) -> Rendered:
    """Render Markdown once (on save); the result is safe to store and serve as is."""
    placeholders: dict[str, str] = {}
    found: list[tuple[str, str]] = []

    def cut(match: re.Match) -> str:
        name, arg = match["name"], match["arg"]
        if name not in _shortcodes:
            return match.group(0)
        key = f"hcshortcode{secrets.token_hex(8)}"
        placeholders[key] = _shortcodes[name](arg) or ""
        found.append((name, arg))
        return f"\n\n{key}\n\n"

    text = SHORTCODE.sub(cut, source or "")
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "admonition", "sane_lists"],
        extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False, "toc_depth": "2-3"}},
        output_format="html",
    )
    # The page title is the only <h1>; a "# Heading" in the source becomes <h2>. Raw HTML goes through bleach.
    body = clean_html(_H1.sub(r"<\1h2", md.convert(text)))
    for key, trusted in placeholders.items():
        body = body.replace(f"<p>{key}</p>", trusted).replace(key, trusted)
    headings = _flatten_toc(getattr(md, "toc_tokens", [])) if toc else []
    toc_html = clean_html(md.toc) if toc and headings else ""
    return Rendered(html=body, toc_html=toc_html, headings=headings, shortcodes=found)


_TAG = re.compile(r"<[^>]+>")


def html_to_text(fragment: str) -> str:
    """Plain text of stored HTML, for snippets, feeds and the search index."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", fragment or ""))).strip()
