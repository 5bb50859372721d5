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


@pytest.mark.parametrize("href", ["//evil.example/x", "/\\evil.example/x", "HTTPS://evil.example"])
def test_protocol_relative_and_odd_external_links_get_nofollow_noopener(href):
    html = render_markdown(f"[x]({href})").html
    assert 'rel="nofollow noopener"' in html, html


def test_a_tab_inside_a_protocol_relative_link_does_not_hide_it():
    assert 'rel="nofollow noopener"' in clean_html('<a href="/\t/evil.example">x</a>')


def test_a_users_own_rel_on_an_internal_link_is_dropped():
    assert clean_html('<a href="/artikel/a" rel="opener">x</a>') == '<a href="/artikel/a">x</a>'


@pytest.mark.parametrize("source", ["![Zähler](https://tracker.example/p.gif)", "![Zähler](//tracker.example/p.gif)",
                                    '<img src="https://tracker.example/p.gif" alt="Zähler">'])
def test_external_images_become_plain_links(source):
    html = render_markdown(source).html
    assert "<img" not in html
    assert 'rel="nofollow noopener">Zähler</a>' in html and "tracker.example/p.gif" in html


def test_external_image_without_alt_links_to_its_address():
    html = render_markdown('<img src="https://tracker.example/p.gif">').html
    assert html == ('<p><a href="https://tracker.example/p.gif" rel="nofollow noopener">'
                    "https://tracker.example/p.gif</a></p>")


def test_external_image_inside_a_link_leaves_only_its_alt_text():
    html = render_markdown("[![Logo](https://cdn.example/logo.png)](https://example.com)").html
    assert html == '<p><a href="https://example.com" rel="nofollow noopener">Logo</a></p>'


def test_same_site_images_stay():
    html = render_markdown("![Router](/media/router.png) ![Modem](bilder/modem.png)").html
    assert '<img alt="Router" src="/media/router.png">' in html and '<img alt="Modem" src="bilder/modem.png">' in html


def test_table_alignment_becomes_classes_and_no_style_survives():
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |").html
    assert '<th class="align-left">a</th>' in html and '<th class="align-center">b</th>' in html
    assert '<td class="align-right">3</td>' in html
    assert "style" not in html and "align=" not in html


@pytest.mark.parametrize("attack", ['<td style="text-align:center">x</td>', '<p style="color:red">x</p>',
                                    '<td align="javascript:x">x</td>', '<td class="align-center evil">x</td>'])
def test_no_style_attribute_and_no_foreign_alignment(attack):
    html = clean_html(f"<table><tr>{attack}</tr></table>")
    assert "style" not in html and "javascript" not in html and "evil" not in html


def test_align_classes_exist_in_the_stylesheet():
    from pathlib import Path
    css = (Path(__file__).resolve().parents[3] / "static" / "css" / "app.css").read_text(encoding="utf-8")
    for align in ("left", "center", "right"):
        assert f".align-{align}" in css


def test_headings_get_prefixed_ids_from_the_table_of_contents_only():
    rendered = render_markdown('## Inhalt\n\n<h2 id="main">roh</h2>\n\n<h3 id="h-inhalt">Kopie</h3>\n\n'
                               "#### Tief\n")
    html = rendered.html
    assert '<h2 id="h-inhalt">Inhalt</h2>' in html and '<h4 id="h-tief">Tief</h4>' in html
    assert 'id="main"' not in html and "<h2>roh</h2>" in html
    assert html.count('id="h-inhalt"') == 1 and "<h3>Kopie</h3>" in html
    assert [h["id"] for h in rendered.headings] == ["h-inhalt"]


def test_clean_html_alone_keeps_no_heading_id():
    assert clean_html('<h2 id="h-x">x</h2>') == "<h2>x</h2>"


def test_admonitions_fenced_code_and_table_of_contents():
    rendered = render_markdown('## Vorbereitung\n\n!!! warning "Achtung"\n    Nicht ausschalten.\n\n'
                               "```\nping 192.168.0.1 <b>\n```\n\n### Schritt für Schritt\n")
    assert '<div class="admonition warning">' in rendered.html
    assert "<pre><code>ping 192.168.0.1 &lt;b&gt;" in rendered.html
    assert [h["name"] for h in rendered.headings] == ["Vorbereitung", "Schritt für Schritt"]
    assert 'href="#h-vorbereitung"' in rendered.toc_html
    assert '<h2 id="h-vorbereitung">' in rendered.html


def test_user_classes_are_dropped_but_ours_kept():
    assert clean_html('<div class="admonition note">x</div>') == '<div class="admonition note">x</div>'
    assert clean_html('<div class="evil-overlay">x</div>') == "<div>x</div>"


def test_h1_in_source_becomes_h2():
    assert render_markdown("# Titel").html.startswith("<h2")


def test_html_to_text():
    assert html_to_text("<p>Hallo&nbsp;<b>Welt</b></p>\n<p>x</p>") == "Hallo Welt x"
