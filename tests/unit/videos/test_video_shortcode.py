"""[[video:ID]] / [[video:ID@90]] render the trusted consent stand-in; unknown ids a harmless notice. Articles
store a marker and get the current stand-in when served, so hiding or showing a video later is reflected."""
import re

from flask import has_request_context

from content.render import expand_shortcodes, render_markdown, shortcode_args
from core.extensions import db
from tests.factories import make_article, make_user
from tests.factories_content import make_published
from tests.factories_videos import make_video


def test_shortcode_renders_consent_stand_in_without_a_request(app):
    make_video("abcDEF12345", title="Modem einrichten", duration=120)
    assert not has_request_context()  # as in `flask content import` / `flask demo load`
    html = render_markdown("Vorher\n\n[[video:abcDEF12345]]\n\nNachher").html
    assert 'data-video-player data-video-id="abcDEF12345" data-start="0"' in html
    assert 'data-embed="https://www.youtube-nocookie.com/embed/abcDEF12345"' in html
    assert "<iframe" not in html and 'href="/videos/abcDEF12345"' in html
    assert re.search(r'<script src="/static/js/video\.[0-9a-f]{10}\.js" defer></script>', html)
    assert re.search(r'<link rel="stylesheet" href="/static/css/video\.[0-9a-f]{10}\.css">', html)
    assert re.search(r'<use href="/static/img/icons\.[0-9a-f]{10}\.svg#play">', html)
    assert "/static/js/video.js" not in html and "/static/css/video.css" not in html
    assert html.index("Vorher") < html.index("data-video-player") < html.index("Nachher")


def test_shortcode_with_start_second(app):
    make_video("abcDEF12345", duration=120)
    html = render_markdown("[[video:abcDEF12345@90]]").html
    assert 'data-start="90"' in html and "1:30" in html
    assert 'data-start="0"' in render_markdown("[[video:abcDEF12345@9999]]").html  # beyond the end: start


def test_unknown_or_hidden_video_renders_a_harmless_notice(app):
    make_video("hidden00001", status="hidden")
    for source in ("[[video:gibtsnicht]]", "[[video:hidden00001]]"):
        html = render_markdown(source).html
        assert "nicht verfügbar" in html and "data-video-player" not in html


def test_raw_iframes_stay_forbidden(app):
    html = render_markdown('<iframe src="https://www.youtube.com/embed/x"></iframe>\n\n'
                           '<script src="/static/js/video.js"></script>').html
    assert "<iframe" not in html and "<script" not in html


def test_article_page_shows_the_embedded_video(app, client):
    make_video("abcDEF12345", title="Modem einrichten")
    article = make_article("Modem anschliessen", body="## Video\n\n[[video:abcDEF12345@60]]")
    db.session.commit()
    html = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert 'data-video-id="abcDEF12345" data-start="60"' in html and "<iframe" not in html


def test_stored_articles_keep_a_marker_that_is_expanded_when_served(app):
    make_video("abcDEF12345")
    article = make_published(body_md="Vorher\n\n[[video:abcDEF12345@30]]\n\n`[[video:abcDEF12345]]` im Code")
    assert "data-video-player" not in article.body_html
    assert shortcode_args(article.body_html, "video") == ["abcDEF12345@30"]
    html = expand_shortcodes(article.body_html)
    assert html.count("data-video-player") == 1 and 'data-start="30"' in html
    assert "<code>[[video:abcDEF12345]]</code>" in html


def test_a_forged_marker_in_user_text_is_not_expanded(app):
    make_video("abcDEF12345")
    source = ('&lt;!--hc-shortcode video:abcDEF12345--&gt; <!--hc-shortcode video:abcDEF12345-->\n\n'
              '<a title="<!--hc-shortcode video:abcDEF12345-->" href="/x">x</a>\n\n'
              "```\n<!--hc-shortcode video:abcDEF12345-->\n```")
    article = make_published(body_md=source)
    assert shortcode_args(article.body_html, "video") == []
    assert "data-video-player" not in expand_shortcodes(article.body_html)


def test_hiding_a_video_replaces_its_embeds_with_the_notice_and_showing_restores_them(app, client, auth):
    video = make_video("abcDEF12345", title="Modem einrichten")
    article = make_published(title="Modem anschliessen", body_md="## Video\n\n[[video:abcDEF12345@60]]")
    editor = make_user(role="editor")
    db.session.commit()
    page = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert 'data-video-id="abcDEF12345" data-start="60"' in page
    auth.login(editor)
    assert client.post("/videos/abcDEF12345/sichtbarkeit", data={"status": "hidden"}).status_code == 302
    auth.logout()
    page = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert "data-video-player" not in page and "nicht verfügbar" in page and "/videos/abcDEF12345" not in page
    api = client.get(f"/api/v1/articles/{article.slug}").get_json()
    assert "data-video-player" not in api["html"]
    video.status = "published"
    db.session.commit()
    page = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert 'data-video-id="abcDEF12345" data-start="60"' in page


def test_a_video_imported_after_the_article_was_saved_appears(app, client):
    article = make_published(body_md="[[video:spaeter0001]]")
    db.session.commit()
    assert "nicht verfügbar" in client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    make_video("spaeter0001")
    db.session.commit()
    assert 'data-video-id="spaeter0001"' in client.get(f"/artikel/{article.slug}").get_data(as_text=True)


def test_template_filter_expands_stored_html_for_other_packages(app):
    from flask import render_template_string
    make_video("abcDEF12345")
    stored = render_markdown("[[video:abcDEF12345]]\n\n<b>fett</b>", defer_shortcodes=True).html
    with app.test_request_context("/"):
        html = render_template_string("{{ html|expand_shortcodes }}", html=stored)
    assert "data-video-player" in html and "<b>fett</b>" in html
