"""Community rules: posting, guard, votes, reputation, acceptance, ordering, moderation, flags, stats."""
from datetime import timedelta

import pytest

from community import permissions, reputation, services, signals
from community.models import Award, Flag, PostRevision, ReputationEvent, Vote
from community.stats import response_stats
from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import AuditLog, utcnow
from tests.factories import make_category, make_user
from tests.factories_community import make_answer, make_question


def old_user(**fields):
    return make_user(created_at=utcnow() - timedelta(days=30), **fields)


# ---- asking ----------------------------------------------------------------------------------------------------

def test_ask_renders_markdown_sanitised_and_normalises_tags(app):
    category = make_category("wlan")
    q = make_question(title="WLAN bricht abends ständig ab", body="**Hilfe** <script>alert(1)</script>",
                      category="wlan", tags="WLAN, Router  router", device="Internet-Box 3")
    assert "<strong>Hilfe</strong>" in q.body_html and "<script>" not in q.body_html
    assert q.tag_names == ["router", "wlan"] and q.category is category and q.device == "Internet-Box 3"
    assert q.status == "open" and not q.is_solved and q.is_visible


@pytest.mark.parametrize("title,body,code", [
    ("kurz", "Text", "title_too_short"),
    ("x" * 201, "Text", "title_too_long"),
    ("Ein ordentlicher Titel", "   ", "body_required"),
])
def test_ask_rejects_bad_input(app, title, body, code):
    with pytest.raises(DomainError) as error:
        services.ask_question(make_user(), title, body)
    assert error.value.code == code


def test_ask_rejects_unknown_category_and_too_many_tags(app):
    with pytest.raises(DomainError) as error:
        make_question(category="gibts-nicht")
    assert error.value.code == "bad_category"
    with pytest.raises(DomainError) as error:
        make_question(tags="a b c d e f")
    assert error.value.code == "too_many_tags"


def test_personal_data_is_refused_with_kinds_and_excerpts(app):
    user = make_user()
    with pytest.raises(DomainError) as error:
        services.ask_question(user, "Passwort vergessen, was tun?",
                              "Meine E-Mail ist hans.muster@example.ch und mein Passwort: Sonne123!")
    assert error.value.code == "personal_data" and error.value.status == 422
    assert set(error.value.details["kinds"]) >= {"email", "password"}
    finding = error.value.details["findings"][0]
    assert {"kind", "excerpt", "start", "end", "field"} <= set(finding)
    from community.models import Question
    assert db.session.execute(db.select(Question)).first() is None


def test_ordinary_question_passes_the_guard(app):
    q = make_question(title="Wie ändere ich mein WLAN-Passwort?", body="Ich finde die Einstellung nicht.")
    assert q.id


@pytest.mark.app_config(CUSTOMER_NUMBER_PATTERN=r"\bKD\d{6}\b")
def test_configured_customer_number_pattern(app):
    with pytest.raises(DomainError) as error:
        make_question(body="Mein Konto KD123456 ist gesperrt")
    assert "customer_number" in error.value.details["kinds"]


def test_answers_and_comments_are_guarded_too(app):
    q = make_question()
    with pytest.raises(DomainError):
        services.post_answer(old_user(), q, "Ruf mich an: 079 123 45 67")
    with pytest.raises(DomainError):
        services.add_comment(old_user(), "question", q, "Schreib an max@example.com")


# ---- links need reputation --------------------------------------------------------------------------------------

def test_links_need_reputation_whatever_the_accounts_age(app):
    two_days_old = make_user(created_at=utcnow() - timedelta(days=2))
    q = make_question()
    for attempt in (lambda: services.ask_question(two_days_old, "Wo finde ich die Anleitung?", "Siehe https://x.ch"),
                    lambda: services.post_answer(two_days_old, q, "Steht auf www.example.ch"),
                    lambda: services.add_comment(two_days_old, "question", q, "[hier](https://example.ch)"),
                    lambda: services.ask_question(old_user(), "Wo finde ich die Anleitung?", "www.example.ch")):
        with pytest.raises(DomainError) as error:
            attempt()
        assert error.value.code == "links_not_allowed" and "10 Reputationspunkten" in error.value.message
    assert services.ask_question(two_days_old, "Wo finde ich die Anleitung?", "Ohne Link gefragt").id
    assert services.ask_question(make_user(reputation=10), "Wo finde ich die Anleitung?", "www.example.ch").id
    assert services.ask_question(make_user(role="superuser"), "Wo finde ich die Anleitung?", "www.example.ch").id
    assert services.ask_question(make_user(role="editor"), "Wo finde ich die Anleitung?", "www.example.ch").id


@pytest.mark.app_config(COMMUNITY_LINK_MIN_REPUTATION=50)
def test_link_reputation_is_configurable(app):
    with pytest.raises(DomainError) as error:
        services.ask_question(make_user(reputation=49), "Wo finde ich die Anleitung?", "www.example.ch")
    assert "50 Reputationspunkten" in error.value.message
    assert services.ask_question(make_user(reputation=50), "Wo finde ich die Anleitung?", "www.example.ch").id


# ---- answers, first answer time ------------------------------------------------------------------------------------

def test_first_answer_time_and_counts(app):
    asker = make_user()
    q = make_question(asker)
    services.post_answer(asker, q, "Nachtrag vom Fragesteller")
    assert q.first_answer_at is None and q.answer_count == 1
    a = services.post_answer(make_user(), q, "Router neu starten")
    assert q.first_answer_at == a.created_at and q.answer_count == 2
    services.post_answer(make_user(), q, "Kabel prüfen")
    assert q.first_answer_at == a.created_at


def test_cannot_answer_locked_or_closed_question(app):
    mod = make_user(role="superuser")
    q = make_question()
    services.set_locked(mod, q, True)
    with pytest.raises(DomainError) as error:
        services.post_answer(make_user(), q, "Antwort")
    assert error.value.code == "question_closed"
    with pytest.raises(DomainError):
        services.add_comment(make_user(), "question", q, "Kommentar")


def test_mentions_send_signal(app):
    target = make_user("anna")
    received = []

    def listener(sender, **kw):
        received.append((kw["user"].username, kw["post_type"]))
    with signals.mention.connected_to(listener):
        q = make_question(body="Hallo @anna und @niemand, wisst ihr das?")
    assert received == [("anna", "question")] and target


# ---- edits ----------------------------------------------------------------------------------------------------

def test_edit_keeps_history_and_checks_permission(app):
    author = make_user()
    q = make_question(author, title="Router blinkt seit heute rot", tags="router")
    with pytest.raises(PermissionDenied):
        services.edit_question(make_user(), q, title=q.title, body="neu", tags="x")
    rev = services.edit_question(author, q, title="Router blinkt seit gestern rot", body="Neuer Text", tags="router modem")
    assert rev.old_title == "Router blinkt seit heute rot" and rev.new_tags == "router, modem"
    assert q.tag_names == ["modem", "router"]
    assert services.edit_question(author, q, title=q.title, body=q.body_md, tags=q.tag_names) is None
    mod = make_user(role="superuser")
    services.edit_question(mod, q, title=q.title, body=q.body_md, tags="internet")
    assert db.session.execute(db.select(AuditLog).where(AuditLog.action == "community.edit")).scalar_one()
    assert len(services.revisions("question", q.id)) == 2
    a = make_answer(q)
    assert services.edit_answer(mod, a, body="Besser: Router neu starten").old_body == "Starten Sie den Router neu."
    assert db.session.execute(db.select(PostRevision).where(PostRevision.post_type == "answer")).scalar_one()


# ---- votes and reputation -------------------------------------------------------------------------------------------

def test_vote_rules_and_reputation_ledger(app):
    asker, helper, voter = make_user(), make_user(), make_user()
    q = make_question(asker)
    a = make_answer(q, helper)
    with pytest.raises(DomainError) as error:
        services.vote(helper, "answer", a, 1)
    assert error.value.code == "self_vote"
    with pytest.raises(DomainError):
        services.vote(voter, "answer", a, 2)
    assert services.vote(voter, "answer", a, 1) == 1 and helper.reputation == 10
    assert services.vote(voter, "answer", a, 1) == 1  # same vote twice: one per user and post
    assert db.session.execute(db.select(db.func.count(Vote.id))).scalar_one() == 1
    assert services.vote(voter, "answer", a, -1) == -1
    assert helper.reputation == -2 and voter.reputation == -1
    assert services.vote(voter, "answer", a, 0) == 0
    assert helper.reputation == 0 and voter.reputation == 0
    services.vote(voter, "question", q, 1)
    assert asker.reputation == 5
    services.vote(helper, "question", q, -1)
    assert asker.reputation == 3 and helper.reputation == 0  # downvoting a question costs nothing
    assert reputation.ledger_total(helper.id) == helper.reputation
    assert db.session.execute(db.select(ReputationEvent).where(ReputationEvent.reversed_at.is_not(None))).all()


def test_acceptance_permissions_reputation_and_change(app):
    asker, helper, other, stranger = make_user(), make_user(), make_user(), make_user()
    q = make_question(asker)
    a1, a2 = make_answer(q, helper), make_answer(q, other)
    with pytest.raises(PermissionDenied):
        services.accept(stranger, a1)
    with pytest.raises(PermissionDenied):
        services.accept(make_user(role="editor"), a1)
    services.accept(asker, a1)
    assert q.is_solved and q.accepted_answer_id == a1.id and a1.accepted_at
    assert helper.reputation == 15 and asker.reputation == 2
    services.accept(asker, a2)  # change
    assert helper.reputation == 0 and other.reputation == 15 and asker.reputation == 2
    services.unaccept(asker, q)
    assert not q.is_solved and other.reputation == 0 and asker.reputation == 0
    mod = make_user(role="superuser")
    services.accept(mod, a1)
    assert helper.reputation == 15 and asker.reputation == 0 and mod.reputation == 0
    assert db.session.execute(db.select(AuditLog).where(AuditLog.action == "community.accept")).scalar_one()
    services.accept(make_user(role="admin"), a2)
    assert q.accepted_answer_id == a2.id
    _, mismatches = reputation.recompute(fix=False)
    assert mismatches == []


def test_self_answer_accepted_gives_no_points(app):
    asker = make_user()
    q = make_question(asker)
    a = make_answer(q, asker)
    services.accept(asker, a)
    assert asker.reputation == 0 and q.is_solved


def test_recompute_finds_and_fixes_mismatch(app):
    helper = make_user()
    a = make_answer(make_question(), helper)
    services.vote(make_user(), "answer", a, 1)
    helper.reputation = 99
    checked, mismatches = reputation.recompute(fix=True)
    assert [(m.username, m.cached, m.ledger) for m in mismatches] == [(helper.username, 99, 10)]
    assert helper.reputation == 10 and reputation.recompute()[1] == []


def test_answer_order_solution_first_then_outscoring(app):
    q = make_question()
    low, high, mid, accepted = (make_answer(q) for _ in range(4))
    accepted.score, high.score, mid.score, low.score = 1, 4, 2, 0
    services.accept(q.author, accepted)
    assert services.ordered_answers(q) == [accepted, high, mid, low]
    assert services.outscores_solution(q, high) and not services.outscores_solution(q, mid)


# ---- moderation -------------------------------------------------------------------------------------------------------

def test_moderation_actions_are_moderator_only_and_audited(app):
    mod, customer = make_user(role="superuser"), make_user()
    original, dup = make_question(), make_question()
    with pytest.raises(PermissionDenied):
        services.close_as_duplicate(customer, dup, original)
    with pytest.raises(PermissionDenied):
        services.set_hidden(customer, "question", dup, True)
    with pytest.raises(DomainError):
        services.close_as_duplicate(mod, dup, dup)
    services.close_as_duplicate(mod, dup, original, "gleiches Problem")
    assert dup.status == "closed" and dup.duplicate_of_id == original.id
    services.set_locked(mod, original, True)
    services.set_hidden(mod, "question", original, True, "Spam")
    assert original.is_hidden and not permissions.can_view_question(customer, original)
    services.escalate(mod, dup)
    with pytest.raises(DomainError):
        services.escalate(mod, dup)
    actions = set(db.session.execute(db.select(AuditLog.action)).scalars())
    assert {"community.close_duplicate", "community.lock", "community.hide", "community.escalate"} <= actions


def test_flags_hide_post_at_threshold_and_review(app):
    author = make_user()
    q = make_question(author)
    flaggers = [make_user() for _ in range(3)]
    services.flag(flaggers[0], "question", q, "spam")
    with pytest.raises(DomainError):
        services.flag(flaggers[0], "question", q, "spam")
    with pytest.raises(DomainError):
        services.flag(author, "question", q, "spam")
    with pytest.raises(DomainError):
        services.flag(flaggers[1], "question", q, "langweilig")
    services.flag(flaggers[1], "question", q, "spam")
    assert not q.is_hidden
    services.flag(flaggers[2], "question", q, "offensive")
    assert q.is_hidden and q.hidden_reason == "flags"
    assert services.flag_queue()[0]["count"] == 3
    mod = make_user(role="superuser")
    assert services.handle_flags(mod, "question", q, accept_flags=False) == 3
    assert not q.is_hidden and services.flag_queue() == []
    services.flag(make_user(), "question", q, "spam")
    services.handle_flags(mod, "question", q, accept_flags=True)
    assert q.is_hidden
    helper = db.session.execute(db.select(Flag).where(Flag.status == "accepted")).scalar_one().user_id
    assert db.session.execute(db.select(Award).where(Award.user_id == helper, Award.badge == "waechter")).scalar_one()


# ---- stats ------------------------------------------------------------------------------------------------------------

def test_response_stats(app):
    fast = make_question(age=timedelta(hours=5))
    make_answer(fast, after=timedelta(minutes=30))
    slow = make_question(age=timedelta(hours=10))
    make_answer(slow, after=timedelta(hours=3))
    make_question(age=timedelta(hours=30))  # waiting > 24 h
    make_question(age=timedelta(minutes=5))  # too fresh to count against us
    stats = response_stats()
    assert stats["questions"] == 4 and stats["answered"] == 2 and stats["unanswered"] == 2
    assert stats["median_first_answer_seconds"] == (30 * 60 + 3 * 3600) // 2
    assert stats["answered_within_hour_share"] == round(1 / 3, 3)
    assert stats["waiting_over_24h"] == 1


def test_response_stats_empty(app):
    assert response_stats()["median_first_answer_seconds"] is None


def test_queue_orders_by_waiting_time(app):
    newer = make_question(age=timedelta(hours=2))
    older = make_question(age=timedelta(days=2))
    answered = make_question(age=timedelta(days=3))
    make_answer(answered)
    assert services.waiting_queue() == [older, newer]


def _flag_hidden_spam_answer(question):
    spam = make_answer(question, body="Billige Uhren, schreib mir einfach")
    for _ in range(3):
        services.flag(make_user(), "answer", spam, "spam")
    assert spam.is_hidden and spam.hidden_reason == "flags"
    return spam


def test_a_flag_hidden_answer_does_not_answer_the_question(app):
    q = make_question(age=timedelta(hours=30))
    spam = _flag_hidden_spam_answer(q)
    assert q.answer_count == 0 and q.first_answer_at is None
    assert services.waiting_queue() == [q] and services.unsolved_queue() == []
    assert services.filter_counts()["unbeantwortet"] == 1
    stats = response_stats()
    assert stats["answered"] == 0 and stats["unanswered"] == 1 and stats["waiting_over_24h"] == 1
    services.handle_flags(make_user(role="superuser"), "answer", spam, accept_flags=False)  # shown again
    assert not spam.is_hidden and q.answer_count == 1 and q.first_answer_at == spam.created_at
    assert services.waiting_queue() == [] and services.filter_counts()["unbeantwortet"] == 0
    assert response_stats()["waiting_over_24h"] == 0


def test_hiding_the_first_answer_moves_first_answer_time_to_the_next_visible_one(app):
    mod = make_user(role="superuser")
    q = make_question(age=timedelta(hours=5))
    first = make_answer(q, after=timedelta(minutes=10))
    second = make_answer(q, after=timedelta(hours=2))
    assert q.first_answer_at == first.created_at
    services.set_hidden(mod, "answer", first, True, "Spam")
    assert q.answer_count == 1 and q.first_answer_at == second.created_at
    services.set_hidden(mod, "answer", second, True, "Spam")
    assert q.answer_count == 0 and q.first_answer_at is None and services.waiting_queue() == [q]
    services.set_hidden(mod, "answer", first, False)
    assert q.answer_count == 1 and q.first_answer_at == first.created_at


def test_the_askers_own_answer_leaves_the_question_waiting(app):
    asker = make_user()
    q = make_question(asker, age=timedelta(hours=30))
    services.post_answer(asker, q, "Nachtrag: der Router ist ein Modell von 2019.")
    assert q.answer_count == 1 and q.first_answer_at is None
    assert services.waiting_queue() == [q] and services.filter_counts()["unbeantwortet"] == 1
    assert response_stats()["waiting_over_24h"] == 1


def test_signals_for_posting_voting_and_auto_hide(app):
    seen = []

    def record(name):
        def listener(sender, **kw):
            seen.append((name, kw.get("by", "-") is None if name == "post_hidden" else kw.get("value")))
        return listener
    handlers = {name: record(name) for name in ("question_asked", "answer_posted", "post_voted", "post_hidden",
                                                  "answer_accepted", "answer_unaccepted", "question_escalated")}
    for name, handler in handlers.items():
        getattr(signals, name).connect(handler)
    try:
        asker = make_user()
        q = make_question(asker)
        a = make_answer(q)
        services.vote(asker, "answer", a, 1)
        services.accept(asker, a)
        services.unaccept(asker, q)
        services.escalate(make_user(role="superuser"), q)
        for _ in range(3):
            services.flag(make_user(), "answer", a, "spam")
    finally:
        for name, handler in handlers.items():
            getattr(signals, name).disconnect(handler)
    names = [name for name, _ in seen]
    assert names == ["question_asked", "answer_posted", "post_voted", "answer_accepted", "answer_unaccepted",
                     "question_escalated", "post_hidden"]
    assert seen[2] == ("post_voted", 1) and seen[-1] == ("post_hidden", True)


def test_no_mention_signal_for_the_author_themselves(app):
    author = make_user("selbst")
    received = []
    with signals.mention.connected_to(lambda sender, **kw: received.append(kw["user"])):
        make_question(author, body="Ich (@selbst) frage für mich.")
    assert received == []


def test_racing_duplicate_vote_is_a_409_not_a_500(app, monkeypatch):
    voter = make_user()
    a = make_answer(make_question())
    db.session.add(Vote(user_id=voter.id, post_type="answer", post_id=a.id, value=1))
    db.session.flush()
    monkeypatch.setattr(services, "_existing_vote", lambda *args: None)  # the other request hasn't committed yet
    with pytest.raises(DomainError) as error:
        services.vote(voter, "answer", a, 1)
    assert error.value.code == "duplicate_vote" and error.value.status == 409
    assert a.score == 0


def test_two_requests_crediting_one_person_at_once_lose_no_points(app):
    """The second request read the reputation before the first committed: both credits must count (the load
    bench found 1–2 users off the ledger when answers were written at 30 per second)."""
    import threading

    from community import reputation
    from core.models import User
    author = make_user()
    db.session.commit()
    before = db.session.get(User, author.id).reputation or 0  # this request has read it

    def other_request():
        with app.app_context():
            reputation.record(db.session.get(User, author.id), "answer_upvoted")
            db.session.commit()

    thread = threading.Thread(target=other_request)
    thread.start()
    thread.join()
    reputation.record(author, "answer_upvoted")
    assert author.reputation == before + 2 * reputation.POINTS["answer_upvoted"]
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, author.id).reputation == reputation.ledger_total(author.id) == author.reputation
