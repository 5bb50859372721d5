"""A video shortcode in a forum post is stored as a marker and expanded when served (page and API), as in
articles: the trusted embed template of today reaches every post."""
from core.extensions import db
from tests.factories_community import make_answer, make_question
from tests.factories_videos import make_video


def test_a_video_in_an_answer_is_a_marker_when_stored_and_an_embed_when_served(app, client):
    make_video("abcDEF12345", title="Modem anschliessen")
    question = make_question()
    answer = make_answer(question, body="So geht es:\n\n[[video:abcDEF12345@30]]\n\nViel Erfolg!")
    db.session.commit()
    assert "<!--hc-shortcode video:abcDEF12345@30-->" in answer.body_html
    assert "data-video-player" not in answer.body_html
    page = client.get(f"/community/fragen/{question.id}").get_data(as_text=True)
    assert "data-video-player" in page and "hc-shortcode" not in page and "Modem anschliessen" in page
    api = client.get(f"/api/v1/questions/{question.id}").get_json()
    html = next(a["html"] for a in api["answers"] if a["id"] == answer.id)
    assert "data-video-player" in html and "hc-shortcode" not in html


def test_a_shortcode_cannot_smuggle_markup(app, client):
    question = make_question(body='Hilfe [[video:"><script>alert(1)</script>]] und <!--hc-shortcode video:x-->')
    db.session.commit()
    assert "<script" not in question.body_html and "hc-shortcode video:x" not in question.body_html
    page = client.get(f"/community/fragen/{question.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
