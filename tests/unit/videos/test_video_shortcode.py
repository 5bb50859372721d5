"""[[video:ID]] / [[video:ID@90]] render the trusted consent stand-in; unknown ids a harmless notice."""
from flask import has_request_context

from content.render import render_markdown
from core.extensions import db
from tests.factories import make_article
from tests.factories_videos import make_video


def test_shortcode_renders_consent_stand_in_without_a_request(app):
    make_video("abcDEF12345", title="Modem einrichten", duration=120)
    assert not has_request_context()  # as in `flask content import` / `flask demo load`
    html = render_markdown("Vorher\n\n[[video:abcDEF12345]]\n\nNachher").html
    assert 'data-video-player data-video-id="abcDEF12345" data-start="0"' in html
    assert 'data-embed="https://www.youtube-nocookie.com/embed/abcDEF12345"' in html
    assert "<iframe" not in html and 'href="/videos/abcDEF12345"' in html
    assert '<script src="/static/js/video.js" defer></script>' in html
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
