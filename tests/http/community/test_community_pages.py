"""Community pages through the test client: happy paths, permission denial, bad input."""
from datetime import timedelta

import pytest

from community.models import Answer, Award, Comment, Flag, PostRevision, Question, Vote
from core.extensions import db
from core.models import AuditLog, utcnow
from tests.factories import make_category, make_user
from tests.factories_community import make_answer, make_question


def old_user(**fields):
    return make_user(created_at=utcnow() - timedelta(days=30), **fields)


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


# ---- reading --------------------------------------------------------------------------------------------------

def test_home_lists_with_counts_stats_and_filters(client):
    solved = make_question(title="WLAN-Passwort vergessen, wie zurücksetzen?", tags="wlan")
    answer = make_answer(solved)
    from community import services
    services.accept(solved.author, answer)
    make_question(title="TV-Box startet nicht mehr richtig", age=timedelta(days=2))
    db.session.commit()
    html = page(client, "/community")
    assert "WLAN-Passwort vergessen" in html and "TV-Box startet" in html
    assert "Mittlere Zeit bis zur ersten Antwort" in html and "Warten länger als 24 Stunden" in html
    assert 'href="/community/frage-stellen"' in html
    solved_html = page(client, "/community?filter=geloest")
    assert "WLAN-Passwort vergessen" in solved_html and "TV-Box startet" not in solved_html
    unanswered = page(client, "/community?filter=unbeantwortet")
    assert "TV-Box startet" in unanswered and "WLAN-Passwort vergessen" not in unanswered
    assert "TV-Box startet" in page(client, "/community?filter=ungeloest")
    assert "WLAN-Passwort vergessen" in page(client, "/community/tags/wlan")
    assert "TV-Box startet" not in page(client, "/community/tags/wlan")


def _filter_counts(html: str) -> dict[str, int]:
    import re
    return {name: int(count) for name, count in re.findall(
        r'filter=(\w+)[^"]*"[^>]*>[^<]*<span class="cm-count">(\d+)</span>', html)}


def test_list_pages_show_the_count_of_each_filter(client):
    from community import services
    internet = make_category("internet")
    solved = make_question(title="Gelöst: Router blinkt rot", category="internet", tags="router")
    services.accept(solved.author, make_answer(solved))
    make_answer(make_question(title="Beantwortet, aber ungelöst", tags="router"))
    make_question(title="Noch ohne Antwort zum Router", category="internet")
    make_question(title="Noch ohne Antwort zum Fernseher")
    db.session.commit()
    assert _filter_counts(page(client, "/community")) == {"neu": 4, "unbeantwortet": 2, "ungeloest": 3,
                                                          "geloest": 1}
    assert _filter_counts(page(client, "/community/tags/router")) == {"neu": 2, "unbeantwortet": 0, "ungeloest": 1,
                                                                      "geloest": 1}
    assert _filter_counts(page(client, "/community/themen/internet?filter=geloest")) == {
        "neu": 2, "unbeantwortet": 1, "ungeloest": 1, "geloest": 1} and internet


def test_bad_list_input_is_a_4xx(client):
    page(client, "/community?filter=alles", 400)
    page(client, "/community?page=abc", 400)
    page(client, "/community?page=0", 400)
    page(client, "/community/themen/gibts-nicht", 404)


@pytest.mark.app_config(COMMUNITY_PER_PAGE=2)
def test_pagination(client):
    for n in range(5):
        make_question(title=f"Frage Nummer {n} zum Router")
    db.session.commit()
    first = page(client, "/community")
    assert "Seite 1 von 3" in first and "Frage Nummer 4" in first and "Frage Nummer 2" not in first
    assert "Frage Nummer 0" in page(client, "/community?page=3")
    assert "Frage Nummer" not in page(client, "/community?page=9")


def test_category_page(client):
    category = make_category("wlan", name_de="WLAN")
    make_question(title="WLAN bricht abends immer ab", category="wlan")
    make_question(title="Rechnung doppelt erhalten, warum?")
    db.session.commit()
    html = page(client, "/community/themen/wlan")
    assert "WLAN bricht abends" in html and "Rechnung doppelt" not in html and category


def test_question_page_shows_solution_first(client, auth):
    q = make_question(title="Internet ist seit gestern sehr langsam")
    low, accepted, high = make_answer(q, body="Antwort niedrig"), make_answer(q, body="Antwort akzeptiert"), \
        make_answer(q, body="Antwort hoch")
    low.score, accepted.score, high.score = 0, 1, 5
    from community import services
    services.accept(q.author, accepted)
    db.session.commit()
    html = page(client, f"/community/fragen/{q.id}")
    assert html.index("Antwort akzeptiert") < html.index("Antwort hoch") < html.index("Antwort niedrig")
    assert "Lösung" in html and "höher bewertet als die Lösung" in html
    assert db.session.get(Question, q.id).view_count == 1
    page(client, "/community/fragen/999999", 404)


def test_hidden_question_is_404_for_others_but_visible_to_moderators(client, auth):
    q = make_question()
    q.is_hidden = True
    mod = make_user(role="superuser")
    db.session.commit()
    page(client, f"/community/fragen/{q.id}", 404)
    auth.login(mod)
    assert "Ausgeblendet" in page(client, f"/community/fragen/{q.id}")


def test_history_of_a_hidden_question_is_404_except_for_moderators(client, auth):
    author = make_user()
    q = make_question(author, title="Versteckte Frage mit Verlauf")
    from community import services
    services.edit_question(author, q, title="Versteckte Frage mit Verlauf (bearbeitet)", body="Neu", tags="")
    q.is_hidden = True
    mod = make_user(role="superuser")
    db.session.commit()
    page(client, f"/community/fragen/{q.id}/verlauf", 404)
    auth.login(make_user())
    page(client, f"/community/fragen/{q.id}/verlauf", 404)
    auth.logout()
    auth.login(mod)
    assert "Versteckte Frage mit Verlauf (bearbeitet)" in page(client, f"/community/fragen/{q.id}/verlauf")
    page(client, "/community/fragen/999999/verlauf", 404)


# ---- asking -----------------------------------------------------------------------------------------------------

def test_ask_requires_login(client):
    response = client.get("/community/frage-stellen")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_ask_happy_path(client, auth):
    make_category("wlan")
    user = make_user()
    db.session.commit()
    auth.login(user)
    assert "Frage veröffentlichen" in page(client, "/community/frage-stellen")
    response = client.post("/community/frage-stellen", data={
        "title": "Wie ändere ich mein WLAN-Passwort?", "body": "Ich finde die Einstellung nicht.",
        "category": "wlan", "tags": "wlan, passwort", "device": "Internet-Box 3"})
    assert response.status_code == 302
    q = db.session.execute(db.select(Question)).scalar_one()
    assert q.tag_names == ["passwort", "wlan"] and q.category.slug == "wlan" and q.author_id == user.id
    assert response.headers["Location"].endswith(f"/community/fragen/{q.id}")


def test_ask_bad_input_rerenders(client, auth):
    auth.login(make_user())
    response = client.post("/community/frage-stellen", data={"title": "kurz", "body": ""})
    assert response.status_code == 422
    response = client.post("/community/frage-stellen", data={"title": "Ein ganz normaler Titel", "body": "x",
                                                             "category": "gibts-nicht"})
    assert response.status_code == 422 and "Unbekanntes Thema" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Question)).first() is None


def test_personal_data_guard_on_the_form(client, auth):
    auth.login(make_user())
    response = client.post("/community/frage-stellen", data={
        "title": "Rechnung zu hoch diesen Monat", "body": "Meine IBAN ist CH93 0076 2011 6238 5295 7, bitte prüfen."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "IBAN" in html and "CH93 0076 2011 6238 5295 7, bitte prüfen." in html  # text kept in the form
    assert 'href="tel:' in html and "Kontaktformular" in html
    assert db.session.execute(db.select(Question)).first() is None


def test_personal_data_guard_json(client, auth):
    auth.login(make_user())
    response = client.post("/community/frage-stellen", headers={"Accept": "application/json"}, data={
        "title": "Rechnung zu hoch diesen Monat", "body": "Ruft mich an: +41 79 123 45 67"})
    assert response.status_code == 422


def test_links_refused_without_reputation_even_for_a_two_day_old_account(client, auth):
    auth.login(make_user(created_at=utcnow() - timedelta(days=2)))
    response = client.post("/community/frage-stellen", data={"title": "Günstige Angebote hier ansehen",
                                                             "body": "Siehe https://spam.example/angebot"})
    assert response.status_code == 422 and "ab 10 Reputationspunkten" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Question)).first() is None


# ---- answering, commenting, editing --------------------------------------------------------------------------------

def test_answer_and_comment(client, auth):
    q = make_question()
    helper = old_user()
    db.session.commit()
    auth.login(helper)
    response = client.post(f"/community/fragen/{q.id}/antworten", data={"body": "Router 30 Sekunden vom Strom."})
    assert response.status_code == 302 and "#antwort-" in response.headers["Location"]
    answer = db.session.execute(db.select(Answer)).scalar_one()
    assert db.session.get(Question, q.id).first_answer_at is not None
    assert client.post(f"/community/fragen/{q.id}/antworten", data={"body": ""}).status_code == 422
    assert client.post(f"/community/kommentieren/answer/{answer.id}", data={"body": "Hat geholfen"}).status_code == 302
    assert client.post(f"/community/kommentieren/question/{q.id}", data={"body": ""}).status_code == 422
    assert client.post(f"/community/kommentieren/bogus/{q.id}", data={"body": "x"}).status_code == 404
    assert client.post("/community/fragen/9999/antworten", data={"body": "x"}).status_code == 404
    assert db.session.execute(db.select(Comment)).scalar_one().body_md == "Hat geholfen"
    html = page(client, f"/community/fragen/{q.id}")
    assert "Router 30 Sekunden" in html and "Hat geholfen" in html


def test_answer_on_locked_question_is_refused(client, auth):
    q = make_question()
    q.is_locked = True
    db.session.commit()
    auth.login(old_user())
    assert client.post(f"/community/fragen/{q.id}/antworten", data={"body": "Antwort"}).status_code == 409


def test_comment_on_a_locked_question_is_409(client, auth):
    q = make_question()
    a = make_answer(q)
    q.is_locked = True
    db.session.commit()
    auth.login(old_user())
    for url in (f"/community/kommentieren/question/{q.id}", f"/community/kommentieren/answer/{a.id}"):
        response = client.post(url, data={"body": "Noch ein Gedanke dazu"})
        assert response.status_code == 409 and "gesperrt" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Comment)).first() is None


def test_edit_question_with_history_and_permissions(client, auth):
    author = make_user()
    q = make_question(author, title="Router blinkt seit heute rot")
    stranger = make_user()
    db.session.commit()
    auth.login(stranger)
    assert client.get(f"/community/fragen/{q.id}/bearbeiten").status_code == 403
    assert client.post(f"/community/fragen/{q.id}/bearbeiten", data={"title": "Gehackt und geändert",
                                                                       "body": "x"}).status_code == 403
    auth.logout()
    auth.login(author)
    assert "Router blinkt seit heute rot" in page(client, f"/community/fragen/{q.id}/bearbeiten")
    response = client.post(f"/community/fragen/{q.id}/bearbeiten", data={
        "title": "Router blinkt seit gestern rot", "body": "Neu", "tags": "router", "category": "", "device": "",
        "comment": "Datum korrigiert"})
    assert response.status_code == 302
    assert db.session.execute(db.select(PostRevision)).scalar_one().old_title == "Router blinkt seit heute rot"
    html = page(client, f"/community/fragen/{q.id}/verlauf")
    assert "Router blinkt seit heute rot" in html and "Datum korrigiert" in html
    assert client.post(f"/community/fragen/{q.id}/bearbeiten", data={"title": "kurz", "body": ""}).status_code == 422


def test_edit_answer(client, auth):
    q = make_question()
    helper = old_user()
    a = make_answer(q, helper)
    db.session.commit()
    auth.login(make_user())
    assert client.get(f"/community/antworten/{a.id}/bearbeiten").status_code == 403
    auth.logout()
    auth.login(helper)
    assert client.post(f"/community/antworten/{a.id}/bearbeiten", data={"body": "Besser erklärt"}).status_code == 302
    assert db.session.get(Answer, a.id).body_md == "Besser erklärt"
    for empty in ("", "   \n  "):
        response = client.post(f"/community/antworten/{a.id}/bearbeiten", data={"body": empty})
        assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.get(Answer, a.id).body_md == "Besser erklärt"
    assert db.session.execute(db.select(db.func.count(PostRevision.id))).scalar_one() == 1
    page(client, "/community/antworten/999/bearbeiten", 404)


# ---- votes and solutions ----------------------------------------------------------------------------------------

def test_vote_change_retract_and_denials(client, auth):
    q = make_question()
    helper = make_user()
    a = make_answer(q, helper)
    voter = make_user()
    db.session.commit()
    assert client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "1"}).status_code == 302  # to login
    auth.login(voter)
    assert client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "1"}).status_code == 302
    assert db.session.get(Answer, a.id).score == 1 and db.session.get(type(helper), helper.id).reputation == 10
    client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "-1"})
    assert db.session.get(Answer, a.id).score == -1
    client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "0"})
    assert db.session.get(Answer, a.id).score == 0 and db.session.execute(db.select(Vote)).first() is None
    assert client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "5"}).status_code == 400
    assert client.post(f"/community/abstimmen/comment/{a.id}", data={"value": "1"}).status_code == 404
    assert client.post("/community/abstimmen/answer/9999", data={"value": "1"}).status_code == 404
    auth.logout()
    auth.login(helper)
    assert client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "1"}).status_code == 403


def test_accept_permissions(client, auth):
    asker = make_user()
    q = make_question(asker)
    a = make_answer(q)
    stranger, editor = make_user(), make_user(role="editor")
    db.session.commit()
    for user in (stranger, editor):
        auth.login(user)
        assert client.post(f"/community/antworten/{a.id}/loesung").status_code == 403
        auth.logout()
    auth.login(asker)
    assert "Als Lösung markieren" in page(client, f"/community/fragen/{q.id}")
    assert client.post(f"/community/antworten/{a.id}/loesung").status_code == 302
    assert db.session.get(Question, q.id).accepted_answer_id == a.id
    auth.logout()
    auth.login(stranger)
    assert client.post(f"/community/fragen/{q.id}/loesung-entfernen").status_code == 403
    assert db.session.get(Question, q.id).accepted_answer_id == a.id
    auth.logout()
    auth.login(asker)
    assert client.post(f"/community/fragen/{q.id}/loesung-entfernen").status_code == 302
    assert db.session.get(Question, q.id).accepted_answer_id is None
    auth.logout()
    auth.login(make_user(role="superuser"))
    assert client.post(f"/community/antworten/{a.id}/loesung").status_code == 302
    assert client.post("/community/antworten/999/loesung").status_code == 404


# ---- moderation ---------------------------------------------------------------------------------------------------

def test_moderation_routes_denied_to_customers(client, auth):
    q = make_question()
    a = make_answer(q)
    db.session.commit()
    auth.login(make_user())
    for url, data in [(f"/community/fragen/{q.id}/duplikat", {"original_id": "1"}),
                      (f"/community/fragen/{q.id}/wiedereroeffnen", {}),
                      (f"/community/fragen/{q.id}/sperren", {"value": "1"}),
                      (f"/community/ausblenden/answer/{a.id}", {"value": "1"}),
                      (f"/community/fragen/{q.id}/eskalieren", {}),
                      (f"/community/moderation/answer/{a.id}", {"decision": "accept"})]:
        assert client.post(url, data=data).status_code == 403, url
    assert client.get("/community/moderation").status_code == 403
    assert client.get("/community/warteschlange").status_code == 403


def test_moderator_tools(client, auth):
    original, dup = make_question(title="Original: Router blinkt"), make_question(title="Duplikat: Router blinkt")
    a = make_answer(dup)
    mod = make_user(role="superuser")
    db.session.commit()
    auth.login(mod)
    assert "Superuser-Werkzeuge" in page(client, f"/community/fragen/{dup.id}")
    assert client.post(f"/community/fragen/{dup.id}/duplikat", data={"original_id": "abc"}).status_code == 400
    assert client.post(f"/community/fragen/{dup.id}/duplikat", data={"original_id": "9999"}).status_code == 422
    assert client.post(f"/community/fragen/{dup.id}/duplikat", data={"original_id": dup.id}).status_code == 422
    assert client.post(f"/community/fragen/{dup.id}/duplikat", data={"original_id": original.id}).status_code == 302
    html = page(client, f"/community/fragen/{dup.id}")
    assert "als Duplikat geschlossen" in html and f"/community/fragen/{original.id}" in html
    assert client.post(f"/community/fragen/{dup.id}/wiedereroeffnen").status_code == 302
    assert client.post(f"/community/fragen/{dup.id}/sperren", data={"value": "x"}).status_code == 400
    assert client.post(f"/community/fragen/{dup.id}/sperren", data={"value": "1"}).status_code == 302
    assert db.session.get(Question, dup.id).is_locked
    for bad in ({"value": "ja"}, {"value": ""}, {}):
        assert client.post(f"/community/ausblenden/answer/{a.id}", data=bad).status_code == 400, bad
    assert not db.session.get(Answer, a.id).is_hidden
    assert client.post(f"/community/ausblenden/answer/{a.id}", data={"value": "1"}).status_code == 302
    assert db.session.get(Answer, a.id).is_hidden
    assert client.post(f"/community/fragen/{dup.id}/eskalieren").status_code == 302
    assert client.post(f"/community/fragen/{dup.id}/eskalieren").status_code == 409
    actions = set(db.session.execute(db.select(AuditLog.action)).scalars())
    assert {"community.close_duplicate", "community.reopen", "community.lock", "community.hide",
            "community.escalate"} <= actions


def test_flags_hide_and_moderation_queue(client, auth):
    q = make_question(title="Billige Uhren kaufen jetzt sofort")
    flaggers = [make_user() for _ in range(3)]
    mod = make_user(role="superuser")
    db.session.commit()
    for user in flaggers:
        auth.login(user)
        assert client.post(f"/community/melden/question/{q.id}", data={"reason": "spam"}).status_code == 302
        auth.logout()
    assert db.session.get(Question, q.id).is_hidden
    auth.login(flaggers[0])
    assert client.post(f"/community/melden/question/{q.id}", data={"reason": "quatsch"}).status_code in (400, 404)
    auth.logout()
    auth.login(mod)
    html = page(client, "/community/moderation")
    assert "Billige Uhren" in html and "3 Meldungen" in html
    assert client.post(f"/community/moderation/question/{q.id}", data={"decision": "vielleicht"}).status_code == 400
    assert client.post(f"/community/moderation/question/{q.id}", data={"decision": "accept"}).status_code == 302
    assert {f.status for f in db.session.execute(db.select(Flag)).scalars()} == {"accepted"}
    assert client.post(f"/community/moderation/question/{q.id}", data={"decision": "accept"}).status_code == 409


def test_queue_orders_by_waiting_time(client, auth):
    make_question(title="Neuere wartende Frage zum TV", age=timedelta(hours=3))
    make_question(title="Älteste wartende Frage zum TV", age=timedelta(days=3))
    mod = make_user(role="superuser")
    db.session.commit()
    auth.login(mod)
    html = page(client, "/community/warteschlange")
    assert html.index("Älteste wartende") < html.index("Neuere wartende")


# ---- people and rules ----------------------------------------------------------------------------------------------

def test_profile_badges_reputation_and_superuser_pages(client, auth):
    helper = make_user("helferin", role="superuser")
    q = make_question()
    a = make_answer(q, helper)
    db.session.commit()
    for _ in range(2):
        page(client, f"/community/fragen/{q.id}")  # before the solution: not the helper's impact
    from community import services
    services.accept(q.author, a)
    db.session.commit()
    for _ in range(3):
        page(client, f"/community/fragen/{q.id}")
    auth.login(q.author)
    page(client, f"/community/fragen/{q.id}")  # the asker's own visit doesn't count
    auth.logout()
    assert db.session.get(Question, q.id).view_count == 5 and db.session.get(Answer, a.id).solution_views == 3
    html = page(client, "/community/benutzer/helferin")
    assert "Erste Lösung" in html and "15" in html
    assert "Seit der Markierung als Lösung wurden die Fragen dazu 3-mal aufgerufen." in html
    assert client.get("/api/v1/users/helferin").json["solution_views"] == 3
    page(client, "/community/benutzer/niemand", 404)
    catalog = page(client, "/community/abzeichen")
    assert "Erste Lösung" in catalog and "1 Person hat dieses Abzeichen" in catalog
    rules = page(client, "/community/reputation")
    assert "+10" in rules and "+15" in rules and "-2" in rules
    assert "500" in page(client, "/community/superuser")


@pytest.mark.app_config(SUPERUSER_MIN_REPUTATION=100, SUPERUSER_MIN_ACCEPTED=2, SUPERUSER_MIN_ACCOUNT_DAYS=30)
def test_superuser_page_shows_each_persons_progress_including_account_age(client, auth):
    import re

    from community import services
    helper = make_user("fast-fertig", created_at=utcnow() - timedelta(days=6))
    for _ in range(2):
        q = make_question()
        services.accept(q.author, make_answer(q, helper))
    helper.reputation = 120
    db.session.commit()
    html = page(client, "/community/superuser")
    assert "Konto mindestens 30 Tage alt" in html
    row = re.search(r'<tr id="fortschritt-fast-fertig">(.*?)</tr>', html, re.S).group(1)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[1:] == ["120 / 100", "2 / 2", "6 / 30", "20 % 20 %"]
    assert 'value="20"' in row and db.session.get(type(helper), helper.id).role == "customer"
    auth.login(helper)
    mine = page(client, "/community/superuser")
    assert "Konto-Alter: 6 von 30 Tagen" in mine and "Fortschritt gesamt: 20 %" in mine
    assert "Fortschritt zum Superuser:</a> 20 %" in page(client, "/community/benutzer/fast-fertig")


def test_profile_link_in_header(client, auth):
    user = make_user("anna")
    db.session.commit()
    auth.login(user)
    assert 'href="/community/benutzer/anna"' in page(client, "/community")


def test_admin_grants_and_revokes_superuser(client, auth):
    user = make_user("kandidat")
    admin = make_user(role="admin")
    db.session.commit()
    auth.login(make_user(role="superuser"))
    assert client.post("/community/benutzer/kandidat/superuser", data={"action": "grant"}).status_code == 403
    auth.logout()
    auth.login(admin)
    assert client.post("/community/benutzer/kandidat/superuser", data={"action": "x"}).status_code == 400
    assert client.post("/community/benutzer/kandidat/superuser", data={"action": "grant"}).status_code == 302
    assert db.session.get(type(user), user.id).role == "superuser"
    assert db.session.execute(db.select(Award).where(Award.badge == "superuser")).scalar_one()
    assert client.post("/community/benutzer/kandidat/superuser", data={"action": "revoke"}).status_code == 302
    refreshed = db.session.get(type(user), user.id)
    assert refreshed.role == "customer" and refreshed.superuser_revoked


# ---- CSRF and rate limits ---------------------------------------------------------------------------------------

@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_csrf_required(client, auth):
    q = make_question()
    db.session.commit()
    user = make_user()
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.post(f"/community/fragen/{q.id}/antworten", data={"body": "x"}).status_code == 400


def _bearer(user):
    from core.accounts import issue_token
    token = issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


ASK = {"title": "Router blinkt seit dem Update rot", "body": "Was kann ich tun?"}


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_ASK="2 per minute")
def test_ask_limit_is_one_budget_for_page_and_api(client, auth):
    user = make_user()
    headers = _bearer(user)
    auth.login(user)
    assert client.post("/community/frage-stellen", data=ASK).status_code == 302
    assert client.post("/api/v1/questions", json=ASK, headers=headers).status_code == 201
    assert client.post("/community/frage-stellen", data=ASK).status_code == 429
    refused = client.post("/api/v1/questions", json=ASK, headers=headers)
    assert refused.status_code == 429 and refused.json["error"] == "rate_limited"
    assert client.get("/community/frage-stellen").status_code == 200  # showing the form costs nothing
    assert db.session.execute(db.select(db.func.count(Question.id))).scalar_one() == 2
    auth.logout()
    auth.login(make_user())  # the budget is per user
    assert client.post("/community/frage-stellen", data=ASK).status_code == 302


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_ANSWER="2 per minute")
def test_answer_limit_is_one_budget_for_page_and_api(client, auth):
    q = make_question()
    helper = make_user()
    headers = _bearer(helper)
    auth.login(helper)
    assert client.post(f"/api/v1/questions/{q.id}/answers", json={"body": "Neu starten."},
                       headers=headers).status_code == 201
    assert client.post(f"/community/fragen/{q.id}/antworten", data={"body": "Kabel prüfen."}).status_code == 302
    assert client.post(f"/community/fragen/{q.id}/antworten", data={"body": "Noch eine Idee."}).status_code == 429
    assert client.post(f"/api/v1/questions/{q.id}/answers", json={"body": "Und noch eine."},
                       headers=headers).status_code == 429
    assert db.session.get(Question, q.id).answer_count == 2


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_COMMENT="2 per minute")
def test_comment_limit_per_user(client, auth):
    q = make_question()
    auth.login(make_user())
    codes = [client.post(f"/community/kommentieren/question/{q.id}", data={"body": f"Kommentar {n}"}).status_code
             for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(db.session.execute(db.select(Comment)).all()) == 2


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_FLAG="2 per minute")
def test_flag_limit_per_user(client, auth):
    questions = [make_question() for _ in range(3)]
    auth.login(make_user())
    codes = [client.post(f"/community/melden/question/{q.id}", data={"reason": "spam"}).status_code
             for q in questions]
    assert codes == [302, 302, 429]
    assert len(db.session.execute(db.select(Flag)).all()) == 2


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_VOTE="2 per minute")
def test_vote_limit_is_one_budget_for_page_and_api(client, auth):
    q = make_question()
    answers = [make_answer(q) for _ in range(3)]
    voter = make_user()
    headers = _bearer(voter)
    auth.login(voter)
    assert client.post(f"/community/abstimmen/answer/{answers[0].id}", data={"value": "1"}).status_code == 302
    assert client.delete(f"/api/v1/answers/{answers[0].id}/vote", headers=headers).status_code == 200
    assert client.post(f"/api/v1/answers/{answers[1].id}/vote", json={"value": 1}, headers=headers).status_code == 429
    assert client.post(f"/community/abstimmen/answer/{answers[2].id}", data={"value": "1"}).status_code == 429


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_VOTE="2 per minute")
def test_vote_rate_limit_per_user(client, auth):
    q = make_question()
    answers = [make_answer(q) for _ in range(3)]
    db.session.commit()
    auth.login(make_user())
    codes = [client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "1"}).status_code for a in answers]
    assert codes == [302, 302, 429]


def test_english_translation(client):
    make_question(title="Router blinkt seit heute rot")
    db.session.commit()
    html = client.get("/community", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Ask a question" in html and "Median time to first answer" in html and "Unanswered" in html
    assert "Good answer" in client.get("/community/abzeichen", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, COMMUNITY_RATE_LIMIT_IP="3 per minute")
def test_shared_ip_rate_limit_across_accounts(client, auth):
    q = make_question()
    answers = [make_answer(q) for _ in range(4)]
    first, second = make_user(), make_user()
    db.session.commit()
    auth.login(first)
    codes = [client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "1"}).status_code for a in answers[:2]]
    auth.logout()
    auth.login(second)
    codes += [client.post(f"/community/abstimmen/answer/{a.id}", data={"value": "1"}).status_code for a in answers[2:]]
    assert codes == [302, 302, 302, 429]
