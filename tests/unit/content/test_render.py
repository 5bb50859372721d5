"""The one sanitizer: nothing executable survives, structure does."""
import pytest

from content.render import clean_html, html_to_text, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "![bild](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onmouseover="alert(1)">x</div>',
    "<svg><script>alert(1)</script></svg>",
    '<form action="https://evil.example"><input name=x></form>',
    '<object data="x.swf"></object>',
    '<a href="vbscript:msgbox(1)">x</a>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_executable_survives(attack):
    html = render_markdown(attack).html.lower()
    for needle in ("<script", "onerror", "onmouseover", "javascript:", "vbscript:", "data:", "<iframe", "style=",
                   "<form", "<object", "<svg", "<input"):
        assert needle not in html, (attack, html)


def test_external_links_get_nofollow_noopener_and_internal_ones_do_not():
    html = render_markdown("[ext](https://example.com/x) und [int](/artikel/a) und https://example.org").html
    assert '<a href="https://example.com/x" rel="nofollow noopener">ext</a>' in html
    assert '<a href="/artikel/a">int</a>' in html
    assert '<a href="https://example.org" rel="nofollow noopener">https://example.org</a>' in html


def test_tables_keep_only_text_align():
    html = render_markdown("| a | b |\n|:-:|--:|\n| 1 | 2 |").html
    assert '<th style="text-align: center;">a</th>' in html
    assert '<td style="text-align: right;">2</td>' in html


def test_admonitions_fenced_code_and_table_of_contents():
    rendered = render_markdown('## Vorbereitung\n\n!!! warning "Achtung"\n    Nicht ausschalten.\n\n'
                               "```\nping 192.168.0.1 <b>\n```\n\n### Schritt für Schritt\n")
    assert '<div class="admonition warning">' in rendered.html
    assert "<pre><code>ping 192.168.0.1 &lt;b&gt;" in rendered.html
    assert [h["name"] for h in rendered.headings] == ["Vorbereitung", "Schritt für Schritt"]
    assert 'href="#vorbereitung"' in rendered.toc_html


def test_user_classes_are_dropped_but_ours_kept():
    assert clean_html('<div class="admonition note">x</div>') == '<div class="admonition note">x</div>'
    assert clean_html('<div class="evil-overlay">x</div>') == "<div>x</div>"


def test_h1_in_source_becomes_h2():
    assert render_markdown("# Titel").html.startswith("<h2")


def test_html_to_text():
    assert html_to_text("<p>Hallo&nbsp;<b>Welt</b></p>\n<p>x</p>") == "Hallo Welt x"
