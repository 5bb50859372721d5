"""Community JSON API: every route's happy path, auth (bearer / session+CSRF), permissions, bad input, OpenAPI."""
import re

import pytest

from core.accounts import issue_token
from core.extensions import db
from tests.factories import make_category, make_user
from tests.factories_notify import accept, make_answer, make_question

QUESTION = {"title": "Router blinkt nach dem Update rot", "body": "Seit gestern kein Internet mehr.",
            "tags": ["router", "internet"]}


def _bearer(user):
    token = issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_ask_with_bearer_token_and_read_back(client):
    user = make_user()
    category = make_category("internet")
    headers = _bearer(user)
    response = client.post("/api/v1/questions", json={**QUESTION, "category": "internet"}, headers=headers)
    assert response.status_code == 201, response.json
    qid = response.json["id"]
    assert response.json["url"].startswith("http")
    detail = client.get(f"/api/v1/questions/{qid}").json
    assert detail["title"] == QUESTION["title"] and detail["category"] == category.slug
    assert detail["tags"] == ["internet", "router"] and detail["answers"] == []
    assert detail["solved"] is False and detail["accepted_answer_id"] is None
    assert detail["author"]["username"] == user.username
    assert "<p>" in detail["html"]


def test_personal_data_is_refused_with_kinds(client):
    headers = _bearer(make_user())
    response = client.post("/api/v1/questions", headers=headers, json={
        "title": "Hilfe beim Login bitte", "body": "Mein Passwort: Sommer2024! und IBAN CH93 0076 2011 6238 5295 7"})
    assert response.status_code == 422
    assert response.json["error"] == "personal_data"
    assert {"password", "iban"} <= set(response.json["details"]["kinds"])
    assert client.get("/api/v1/questions").json["total"] == 0


@pytest.mark.parametrize("payload, status", [
    ({"title": 5, "body": "x"}, 400),
    ({"title": "Ein ordentlicher Titel", "body": ["x"]}, 400),
    ({"title": "Ein ordentlicher Titel", "body": "Text", "tags": "a,b", "category": {"x": 1}}, 400),
    ({"title": "Ein ordentlicher Titel", "body": "Text", "tags": [1, 2]}, 400),
    ({"title": "kurz", "body": "Text"}, 422),
    ({"title": "Ein ordentlicher Titel", "body": "   "}, 422),
    ({"title": "Ein ordentlicher Titel", "body": "Text", "category": "gibt-es-nicht"}, 422),
])
def test_ask_bad_input(client, payload, status):
    headers = _bearer(make_user())
    response = client.post("/api/v1/questions", json=payload, headers=headers)
    assert response.status_code == status, response.json
    assert response.json["error"] and response.json["message"]


def test_invalid_json_is_400(client):
    headers = _bearer(make_user())
    for data in ("{not json", "[1, 2]", '"text"'):
        response = client.post("/api/v1/questions", data=data, headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 400 and response.json["error"] == "bad_request"


def test_writes_need_authentication(client):
    question = make_question()
    answer = make_answer(question)
    db.session.commit()
    for method, url in (("post", "/api/v1/questions"), ("post", f"/api/v1/questions/{question.id}/answers"),
                        ("post", f"/api/v1/answers/{answer.id}/vote"), ("delete", f"/api/v1/answers/{answer.id}/vote"),
                        ("post", f"/api/v1/answers/{answer.id}/accept"),
                        ("delete", f"/api/v1/answers/{answer.id}/accept")):
        response = getattr(client, method)(url, json={"body": "x", "value": 1})
        assert response.status_code == 401, (method, url)
    assert client.post("/api/v1/questions", json=QUESTION,
                       headers={"Authorization": "Bearer hc_wrong"}).status_code == 401


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_session_needs_csrf_header(client, auth):
    user = make_user()
    db.session.commit()
    auth_page = client.get("/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', auth_page)
    csrf_token = next(g for g in token.groups() if g)
    client.post("/anmelden", data={"login": user.username, "password": "richtig-Pferd-Batterie",
                                   "csrf_token": csrf_token})
    refused = client.post("/api/v1/questions", json=QUESTION)
    assert refused.status_code == 400 and refused.json["error"] == "csrf_failed"
    ok = client.post("/api/v1/questions", json=QUESTION, headers={"X-CSRFToken": csrf_token})
    assert ok.status_code == 201


def test_answer_vote_accept_flow(client):
    asker, helper, voter, stranger = make_user(), make_user(), make_user(), make_user()
    question = make_question(asker)
    db.session.commit()
    response = client.post(f"/api/v1/questions/{question.id}/answers", json={"body": "Modem neu starten."},
                           headers=_bearer(helper))
    assert response.status_code == 201
    aid = response.json["id"]
    assert response.json["url"].endswith(f"#antwort-{aid}")

    voter_h = _bearer(voter)
    assert client.post(f"/api/v1/answers/{aid}/vote", json={"value": 1}, headers=voter_h).json["score"] == 1
    assert client.post(f"/api/v1/answers/{aid}/vote", json={"value": -1}, headers=voter_h).json["score"] == -1
    assert client.delete(f"/api/v1/answers/{aid}/vote", headers=voter_h).json == {"id": aid, "score": 0, "vote": 0}
    self_vote = client.post(f"/api/v1/answers/{aid}/vote", json={"value": 1}, headers=_bearer(helper))
    assert self_vote.status_code == 403

    denied = client.post(f"/api/v1/answers/{aid}/accept", headers=_bearer(stranger))
    assert denied.status_code == 403 and denied.json["error"] == "forbidden"
    asker_h = _bearer(asker)
    accepted = client.post(f"/api/v1/answers/{aid}/accept", headers=asker_h)
    assert accepted.status_code == 200 and accepted.json == {"question_id": question.id, "accepted_answer_id": aid,
                                                              "solved": True}
    detail = client.get(f"/api/v1/questions/{question.id}").json
    assert detail["solved"] and detail["accepted_answer_id"] == aid and detail["answers"][0]["accepted"]
    assert client.delete(f"/api/v1/answers/{aid}/accept", headers=_bearer(stranger)).status_code == 403
    removed = client.delete(f"/api/v1/answers/{aid}/accept", headers=asker_h)
    assert removed.json["solved"] is False


@pytest.mark.parametrize("role", ["superuser", "admin"])
def test_moderators_may_accept_any_answer(client, role):
    question = make_question()
    answer = make_answer(question)
    moderator = make_user(role=role)
    response = client.post(f"/api/v1/answers/{answer.id}/accept", headers=_bearer(moderator))
    assert response.status_code == 200 and response.json["solved"]


def test_editor_is_not_a_moderator_for_acceptance(client):
    """DESIGN §4: accepting on any question is for superusers and admins."""
    question = make_question()
    answer = make_answer(question)
    response = client.post(f"/api/v1/answers/{answer.id}/accept", headers=_bearer(make_user(role="editor")))
    assert response.status_code == 403


@pytest.mark.parametrize("value", [2, 0, "1", True, None, 1.0, [1]])
def test_vote_value_must_be_plus_or_minus_one(client, value):
    question = make_question()
    answer = make_answer(question)
    response = client.post(f"/api/v1/answers/{answer.id}/vote", json={"value": value}, headers=_bearer(make_user()))
    assert response.status_code == 400 and response.json["error"] == "bad_vote"


def test_unknown_and_hidden_are_404(client):
    headers = _bearer(make_user())
    hidden = make_question(is_hidden=True)
    db.session.commit()
    assert client.get("/api/v1/questions/999999").status_code == 404
    assert client.get(f"/api/v1/questions/{hidden.id}").status_code == 404
    assert client.post("/api/v1/questions/999999/answers", json={"body": "x"}, headers=headers).status_code == 404
    assert client.post("/api/v1/answers/999999/vote", json={"value": 1}, headers=headers).status_code == 404
    assert client.post("/api/v1/answers/999999/accept", headers=headers).status_code == 404
    assert client.get("/api/v1/users/niemand").status_code == 404
    assert client.get("/api/v1/questions/abc").status_code == 404


def test_answer_on_closed_question_is_409(client):
    question = make_question(status="closed")
    db.session.commit()
    response = client.post(f"/api/v1/questions/{question.id}/answers", json={"body": "Noch eine Idee."},
                           headers=_bearer(make_user()))
    assert response.status_code == 409


def test_list_filters_tags_categories_and_pages(client):
    internet = make_category("internet")
    solved = make_question(title="Gelöste Frage zum Router", category=internet)
    accept(solved, make_answer(solved))
    make_answer(make_question(title="Beantwortete Frage ohne Lösung"))
    for i in range(22):
        make_question(title=f"Offene Frage Nummer {i:02d}")
    db.session.commit()
    data = client.get("/api/v1/questions").json
    assert data["total"] == 24 and data["pages"] == 2 and len(data["questions"]) == 20
    assert data["counts"] == {"newest": 24, "unanswered": 22, "unsolved": 23, "solved": 1}
    assert len(client.get("/api/v1/questions?page=2").json["questions"]) == 4
    assert [q["id"] for q in client.get("/api/v1/questions?filter=solved").json["questions"]] == [solved.id]
    assert client.get("/api/v1/questions?filter=unanswered").json["total"] == 22
    assert client.get("/api/v1/questions?category=internet").json["total"] == 1
    for bad in ("filter=alle", "page=0", "page=-1", "page=x", "page=99999999"):
        response = client.get(f"/api/v1/questions?{bad}")
        assert response.status_code == 400, bad
    assert client.get("/api/v1/questions?category=nope").status_code == 404


def test_list_by_tag(client):
    user = make_user()
    headers = _bearer(user)
    client.post("/api/v1/questions", json={**QUESTION, "tags": ["wlan"]}, headers=headers)
    client.post("/api/v1/questions", json={**QUESTION, "title": "Eine andere Frage zu TV", "tags": ["tv"]},
                headers=headers)
    data = client.get("/api/v1/questions?tag=wlan").json
    assert data["total"] == 1 and data["questions"][0]["tags"] == ["wlan"]


def test_user_badges_and_stats(client):
    asker, helper = make_user(), make_user()
    headers = _bearer(helper)
    question = make_question(asker)
    db.session.commit()
    client.post(f"/api/v1/questions/{question.id}/answers", json={"body": "Kabel prüfen."}, headers=headers)
    profile = client.get(f"/api/v1/users/{helper.username}").json
    assert profile["username"] == helper.username and profile["role"] == "customer"
    assert profile["superuser"] is False and profile["answers"] == 1
    assert all({"slug", "name", "tier", "awarded_at"} <= set(b) for b in profile["badges"])
    catalog = client.get("/api/v1/badges").json["badges"]
    assert len(catalog) >= 12 and all(b["description"] for b in catalog)
    stats = client.get("/api/v1/community/stats").json
    assert stats["questions"] == 1 and stats["answered"] == 1
    assert stats["median_first_answer_seconds"] is not None and stats["waiting_over_24h"] == 0


def test_openapi_lists_community_paths(client):
    doc = client.get("/api/openapi.json").json
    for path, method in (("/api/v1/questions", "get"), ("/api/v1/questions", "post"),
                         ("/api/v1/questions/{question_id}", "get"),
                         ("/api/v1/questions/{question_id}/answers", "post"),
                         ("/api/v1/answers/{answer_id}/vote", "post"), ("/api/v1/answers/{answer_id}/vote", "delete"),
                         ("/api/v1/answers/{answer_id}/accept", "post"),
                         ("/api/v1/answers/{answer_id}/accept", "delete"),
                         ("/api/v1/users/{username}", "get"), ("/api/v1/badges", "get"),
                         ("/api/v1/community/stats", "get")):
        operation = doc["paths"][path][method]
        assert "200" in operation["responses"] or "201" in operation["responses"]
        assert "404" in operation["responses"]
    assert "PersonalDataError" in doc["components"]["schemas"]


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_VOTE="2 per minute")
def test_votes_are_rate_limited(client):
    question = make_question()
    answers = [make_answer(question) for _ in range(3)]
    headers = _bearer(make_user())
    codes = [client.post(f"/api/v1/answers/{a.id}/vote", json={"value": 1}, headers=headers).status_code
             for a in answers]
    assert codes == [200, 200, 429]


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_IP="3 per minute")
def test_one_ip_budget_for_all_community_writes_of_page_and_api(client, auth):
    question = make_question()
    answers = [make_answer(question) for _ in range(3)]
    first, second, third = make_user(), make_user(), make_user()
    auth.login(first)
    assert client.post(f"/community/abstimmen/answer/{answers[0].id}", data={"value": "1"}).status_code == 302
    assert client.post(f"/api/v1/answers/{answers[1].id}/vote", json={"value": 1},
                       headers=_bearer(second)).status_code == 200
    assert client.post(f"/api/v1/questions/{question.id}/answers", json={"body": "Modem neu starten."},
                       headers=_bearer(third)).status_code == 201
    refused = client.post("/api/v1/questions", json=QUESTION, headers=_bearer(make_user()))
    assert refused.status_code == 429 and refused.json["error"] == "rate_limited"
    assert client.post(f"/community/abstimmen/answer/{answers[2].id}", data={"value": "1"}).status_code == 429
    assert client.get(f"/api/v1/questions/{question.id}").status_code == 200  # reading is not limited
