"""The videos API says what it answers: documented 404s, and each transcript cue's language.
(Schema fuzzing of ^/api/v1/videos: tests/http/kb/test_kb_api_fuzz.py.)"""
from core.extensions import db
from tests.factories_videos import make_video


def test_the_documented_404s_are_what_the_server_answers(app, client):
    make_video("versteckt01", status="hidden")
    db.session.commit()
    document = client.get("/api/openapi.json").get_json()
    one = document["paths"]["/api/v1/videos/{id}"]["get"]["responses"]
    assert "hidden" in one["404"]["description"]
    for path in ("/api/v1/videos/versteckt01", "/api/v1/videos/gibtsnicht", "/api/v1/videos?category=nope"):
        response = client.get(path)
        assert response.status_code == 404 and set(response.get_json()) >= {"error", "message"}


def test_every_cue_carries_its_language(app, client):
    make_video("abcDEF12345")
    db.session.commit()
    data = client.get("/api/v1/videos/abcDEF12345").get_json()
    assert data["transcript"] and all(cue["lang"] == data["transcript_lang"] == "de" for cue in data["transcript"])
    cue_schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]["Cue"]
    assert "transcript_lang" in cue_schema["properties"]["lang"]["description"]
