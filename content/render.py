"""The one sanitizer: Markdown → HTML → bleach with an explicit allowlist. Nothing else calls bleach.

What survives: our tags, our classes, same-site images, heading ids the table of contents made (all ``h-…``, so
content never takes an id the page layout uses), table alignment as ``align-*`` classes (no style attribute:
the CSP has no 'unsafe-inline'). External links, protocol-relative ones included, get rel="nofollow noopener";
an external image (a third-party request on page load) becomes a plain link to it.

Shortcodes such as ``[[video:ID@90]]`` are cut out before Markdown runs and replaced after cleaning with HTML
from trusted templates (registered by the owning package), so user input never supplies markup for them.
Stored article HTML keeps a marker instead (``defer_shortcodes=True``) that ``expand_shortcodes`` turns into
the current trusted HTML when the page is served: a video hidden or shown later, or a new asset hash, is
reflected without re-saving the article.
"""
from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
# Only the classes our own Markdown extensions emit; user-supplied classes are dropped.
ALLOWED_CLASSES = frozenset({"admonition", "admonition-title", "note", "tip", "hint", "important", "warning",
                             "caution", "danger", "attention", "error", "info", "codehilite", "toc"})
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
HEADING_PREFIX = "h-"
ALIGNMENTS = frozenset({"left", "center", "right"})

SHORTCODE = re.compile(r"\[\[(?P<name>[a-z]+):(?P<arg>[A-Za-z0-9_\-@.]{1,80})\]\]")
# Code shows a shortcode as written (editors explain them that way): fenced blocks and inline code are skipped.
_CODE_OR_SHORTCODE = re.compile(
    r"(?P<code>^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=fence)[ \t]*$|(?P<ticks>`+)(?:(?!\n[ \t]*\n).)+?(?P=ticks))|"
    + SHORTCODE.pattern, re.MULTILINE | re.DOTALL)
# The stored form of a shortcode. bleach drops every comment and escapes "<" in text and attribute values, so
# this can only appear in cleaned HTML where render_markdown put it.
MARKER = re.compile(r"<!--hc-shortcode (?P<name>[a-z]+):(?P<arg>[A-Za-z0-9_\-@.]{1,80})-->")
ShortcodeRenderer = Callable[[str], "str | None"]
_shortcodes: dict[str, ShortcodeRenderer] = {}
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
# The heading ids the table of contents generated for the text being cleaned (each may be used once).
_toc_ids: ContextVar[set[str] | None] = ContextVar("toc_ids", default=None)


def register_shortcode(name: str, renderer: ShortcodeRenderer) -> None:
    """Register trusted HTML for ``[[name:arg]]``; the renderer returns None for an unknown arg."""
    _shortcodes[name] = renderer


def heading_slug(value: str, separator: str) -> str:
    return HEADING_PREFIX + (slugify_unicode(value, separator) or "abschnitt")


def _heading_id_allowed(value: str) -> bool:
    ids = _toc_ids.get()
    if ids is None or value not in ids:
        return False
    ids.discard(value)  # a raw-HTML heading copying a generated id can't make it appear twice
    return True


def _filter_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(part in ALLOWED_CLASSES for part in value.split())
    if tag == "a":
        return name in {"href", "title", "rel"}
    if tag == "img":
        return name in {"src", "alt", "title", "width", "height"}
    if tag in {"th", "td"}:
        return name in {"colspan", "rowspan"} or (name == "align" and value in ALIGNMENTS)
    if tag in HEADINGS:
        return name == "id" and _heading_id_allowed(value)
    if tag == "ol":
        return name == "start"
    if tag == "abbr":
        return name == "title"
    return False


def _url_parts(url: str):
    """Split a URL the way a browser reads it: tabs and newlines vanish, a backslash counts as a slash."""
    return urlsplit(re.sub(r"[\t\n\r]", "", url or "").strip().replace("\\", "/"))


def _is_external(url: str) -> bool:
    """http(s) URLs and protocol-relative ones ("//host", which browsers also read from "/\\host")."""
    parts = _url_parts(url)
    return bool(parts.netloc) and parts.scheme in {"", "http", "https"}


def _is_same_site(url: str) -> bool:
    parts = _url_parts(url)
    return not parts.scheme and not parts.netloc


def _link_rel(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if _is_external(href):
        attrs[(None, "rel")] = "nofollow noopener"
    else:
        attrs.pop((None, "rel"), None)
    return attrs


class _OwnMarkupFilter(Filter):
    """After sanitizing: table alignment → align-* classes; an external image → a link to it (inside a link,
    just its alt text), other non-local images are dropped. Runs before linkify, which adds rel."""

    def __iter__(self):
        depth_in_link = 0
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if name == "a" and kind == "StartTag":
                depth_in_link += 1
            elif name == "a" and kind == "EndTag":
                depth_in_link = max(0, depth_in_link - 1)
            if kind == "StartTag" and name in {"th", "td"}:
                align = token["data"].pop((None, "align"), None)
                if align in ALIGNMENTS:
                    token["data"][(None, "class")] = f"align-{align}"
            elif kind in {"StartTag", "EmptyTag"} and name == "img":
                src = token["data"].get((None, "src"), "")
                if src and _is_same_site(src):
                    yield token
                    continue
                text = (token["data"].get((None, "alt")) or "").strip()
                if src and _is_external(src) and not depth_in_link:
                    yield {"type": "StartTag", "name": "a", "namespace": token.get("namespace"),
                           "data": {(None, "href"): src}}
                    yield {"type": "Characters", "data": text or src}
                    yield {"type": "EndTag", "name": "a", "namespace": token.get("namespace")}
                elif text:
                    yield {"type": "Characters", "data": text}
                continue
            yield token


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_filter_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_OwnMarkupFilter, partial(LinkifyFilter, callbacks=[_link_rel], skip_tags={"pre", "code"})],
)


def clean_html(fragment: str, *, heading_ids: set[str] | frozenset[str] = frozenset()) -> str:
    """Sanitize any HTML fragment with the allowlist. Headings keep only the ids given here (those the table of
    contents generated); external links get rel="nofollow noopener"."""
    token = _toc_ids.set(set(heading_ids))
    try:
        return _cleaner.clean(fragment or "")
    finally:
        _toc_ids.reset(token)


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


class _HeadingIds(Treeprocessor):
    """Collects the ids the toc extension gave Markdown headings (raw HTML blocks are not in this tree)."""

    def run(self, root):
        self.md.heading_ids = {el.get("id") for el in root.iter() if el.tag in HEADINGS | {"h1"} and el.get("id")}


class _HeadingIdsExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.treeprocessors.register(_HeadingIds(md), "hc_heading_ids", 4)  # after toc (5)


def render_markdown(source: str, *, toc: bool = True, defer_shortcodes: bool = False) -> Rendered:
    """Render Markdown once (on save); the result is safe to store and serve as is (after
    ``expand_shortcodes`` when ``defer_shortcodes`` left markers in it)."""
    placeholders: dict[str, str] = {}
    found: list[tuple[str, str]] = []

    def cut(match: re.Match) -> str:
        name, arg = match["name"], match["arg"]
        if match["code"] is not None or name not in _shortcodes:
            return match.group(0)
        key = f"hcshortcode{secrets.token_hex(8)}"
        placeholders[key] = f"<!--hc-shortcode {name}:{arg}-->" if defer_shortcodes else (
            _shortcodes[name](arg) or "")
        found.append((name, arg))
        return f"\n\n{key}\n\n"

    text = _CODE_OR_SHORTCODE.sub(cut, source or "")
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "admonition", "sane_lists", _HeadingIdsExtension()],
        extension_configs={"toc": {"slugify": heading_slug, "permalink": False, "toc_depth": "2-3"},
                           "tables": {"use_align_attribute": True}},
        output_format="html",
    )
    # The page title is the only <h1>; a "# Heading" in the source becomes <h2>. Raw HTML goes through bleach.
    converted = _H1.sub(r"<\1h2", md.convert(text))
    body = clean_html(converted, heading_ids=getattr(md, "heading_ids", set()))
    for key, trusted in placeholders.items():
        body = body.replace(f"<p>{key}</p>", trusted).replace(key, trusted)
    headings = _flatten_toc(getattr(md, "toc_tokens", [])) if toc else []
    toc_html = clean_html(md.toc) if toc and headings else ""
    return Rendered(html=body, toc_html=toc_html, headings=headings, shortcodes=found)


def expand_shortcodes(stored: str) -> str:
    """Stored HTML with shortcode markers → HTML with the current trusted output of each shortcode."""
    def expand(match: re.Match) -> str:
        renderer = _shortcodes.get(match["name"])
        return (renderer(match["arg"]) or "") if renderer else ""

    return MARKER.sub(expand, stored or "")


def stored_html(stored: str) -> Markup:
    """Stored (already sanitized) HTML ready for a template: shortcodes expanded, marked safe. Only for what
    render_markdown produced."""
    return Markup(expand_shortcodes(stored))


def shortcode_args(stored: str, name: str) -> list[str]:
    """The arguments of every ``[[name:…]]`` marker in stored HTML (e.g. which videos an article embeds)."""
    return [match["arg"] for match in MARKER.finditer(stored or "") if match["name"] == name]


_TAG = re.compile(r"<[^>]+>")


def html_to_text(fragment: str) -> str:
    """Plain text of stored HTML, for snippets, feeds and the search index."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", fragment or ""))).strip()
