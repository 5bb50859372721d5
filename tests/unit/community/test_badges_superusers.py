"""Badges (declared once, awarded on events and by the idempotent backfill) and superuser promotion."""
from datetime import timedelta

import pytest

from community import badges, services, signals, superusers
from community.models import Award
from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import AuditLog, utcnow
from tests.factories import make_user
from tests.factories_community import make_answer, make_question


def held(user) -> set[str]:
    return set(db.session.execute(db.select(Award.badge).where(Award.user_id == user.id)).scalars())


def test_catalog_has_at_least_twelve_badges_in_all_tiers():
    assert len(badges.BADGES) >= 12
    assert {b.tier for b in badges.BADGES} == {"bronze", "silver", "gold"}
    assert len(badges.BY_SLUG) == len(badges.BADGES)
    for badge in badges.BADGES:
        assert badge.name_de and badge.name_en and badge.description_de and badge.description_en


def test_badges_are_awarded_on_events(app):
    asker, helper = make_user(), make_user()
    received = []

    def listener(sender, **kw):
        received.append(kw["badge_slug"])
    with signals.badge_awarded.connected_to(listener):
        q = make_question(asker)
        a = make_answer(q, helper)
        services.accept(asker, a)
    assert "neugierig" in held(asker) and "gelehrig" in held(asker)
    assert {"erste-antwort", "erste-loesung"} <= held(helper)
    assert {"neugierig", "erste-antwort", "erste-loesung", "gelehrig"} <= set(received)


def test_repeatable_badge_once_per_answer(app):
    helper = make_user()
    answers = [make_answer(make_question(), helper) for _ in range(2)]
    for answer in answers:
        answer.score = 5
    badges.check_user(helper)
    badges.check_user(helper)
    rows = db.session.execute(db.select(Award).where(Award.user_id == helper.id, Award.badge == "gute-antwort")).all()
    assert len(rows) == 2


def test_fast_answers_and_solution_counts(app):
    helper = make_user()
    for _ in range(10):
        q = make_question(age=timedelta(hours=3))
        make_answer(q, helper, after=timedelta(minutes=20))
    badges.check_user(helper)
    assert "blitzschnell" in held(helper) and "zehn-loesungen" not in held(helper)


def test_award_all_is_idempotent(app):
    helper = make_user()
    a = make_answer(make_question(), helper)
    db.session.execute(db.delete(Award))
    a.score = 5
    checked, first = badges.award_all()
    assert first.get("erste-antwort") == 1 and first.get("gute-antwort") == 1
    assert badges.award_all()[1] == {}
    assert badges.holder_counts()["erste-antwort"] == 1


def test_backfill_awards_silently_while_events_notify(app, runner):
    from community.notification_models import MailOutbox, Notification

    helpers = [make_user() for _ in range(3)]
    for helper in helpers:
        make_answer(make_question(), helper)
    db.session.execute(db.delete(Award))
    db.session.execute(db.delete(Notification))
    db.session.commit()
    db.session.execute(db.delete(MailOutbox))
    db.session.commit()
    result = runner.invoke(args=["community", "award-badges"])
    assert result.exit_code == 0 and "erste-antwort: 3" in result.output
    assert all("erste-antwort" in held(helper) for helper in helpers)
    assert db.session.execute(db.select(Notification)).first() is None
    assert db.session.execute(db.select(MailOutbox)).first() is None
    make_answer(make_question(), fresh := make_user())  # a badge earned now is news: notified and mailed
    db.session.commit()
    assert db.session.execute(db.select(Notification).where(Notification.user_id == fresh.id,
                                                            Notification.kind == "badge")).first()
    assert db.session.execute(db.select(MailOutbox).where(MailOutbox.to == fresh.email)).first()


@pytest.mark.app_config(SUPERUSER_MIN_REPUTATION=20, SUPERUSER_MIN_ACCEPTED=1)
def test_automatic_promotion_when_criteria_are_met(app):
    asker, helper, voter = make_user(), make_user(), make_user()
    q = make_question(asker)
    a = make_answer(q, helper)
    services.accept(asker, a)  # 15 points, 1 solution
    assert helper.role == "customer"
    assert superusers.progress(helper).reputation_percent == 75 and not superusers.progress(helper).met
    promoted = []
    with signals.user_promoted.connected_to(lambda sender, **kw: promoted.append(kw["user"])):
        services.vote(voter, "answer", a, 1)  # 25 points
    assert helper.role == "superuser" and promoted == [helper]
    assert "superuser" in held(helper)
    assert db.session.execute(db.select(AuditLog).where(AuditLog.action == "user.promoted")).scalar_one()


@pytest.mark.app_config(SUPERUSER_MIN_REPUTATION=0, SUPERUSER_MIN_ACCEPTED=0)
def test_revoked_users_are_not_promoted_again_and_admin_grants(app):
    admin, user = make_user(role="admin"), make_user(role="superuser")
    with pytest.raises(PermissionDenied):
        superusers.revoke(make_user(role="superuser"), user)
    superusers.revoke(admin, user)
    assert user.role == "customer" and user.superuser_revoked
    assert superusers.maybe_promote(user) is False
    superusers.grant(admin, user)
    assert user.role == "superuser" and not user.superuser_revoked
    with pytest.raises(DomainError):
        superusers.grant(admin, make_user(role="editor"))
    with pytest.raises(DomainError):
        superusers.revoke(admin, make_user())


@pytest.mark.app_config(SUPERUSER_MIN_ACCOUNT_DAYS=30, SUPERUSER_MIN_REPUTATION=0, SUPERUSER_MIN_ACCEPTED=0)
def test_account_age_criterion(app):
    young, old = make_user(), make_user(created_at=utcnow() - timedelta(days=40))
    assert not superusers.maybe_promote(young) and superusers.maybe_promote(old)
    six_days = superusers.progress(make_user(created_at=utcnow() - timedelta(days=6)))
    assert six_days.reputation_percent == 100 and six_days.accepted_percent == 100
    assert six_days.account_days_percent == 20 and six_days.percent == 20 and not six_days.met
    assert superusers.maybe_promote(make_user(role="editor", created_at=utcnow() - timedelta(days=40))) is False


def test_cli_award_badges_and_recompute(app, runner):
    helper = make_user()
    a = make_answer(make_question(), helper)
    services.vote(make_user(), "answer", a, 1)
    db.session.execute(db.delete(Award))
    helper.reputation = 3
    db.session.commit()
    result = runner.invoke(args=["community", "recompute-reputation"])
    assert result.exit_code == 0 and "1 Abweichungen" in result.output
    assert runner.invoke(args=["community", "recompute-reputation"]).output.strip().endswith("0 Abweichungen.")
    first = runner.invoke(args=["community", "award-badges"])
    assert first.exit_code == 0 and "erste-antwort: 1" in first.output
    second = runner.invoke(args=["community", "award-badges"])
    assert second.exit_code == 0 and "0 Abzeichen neu vergeben" in second.output


def test_solution_views_count_only_while_the_answer_is_the_solution(app):
    asker, helper, other = make_user(), make_user(), make_user()
    q = make_question(asker)
    a, b = make_answer(q, helper), make_answer(q, other)
    services.record_view(None, q)
    services.accept(asker, a)
    services.record_view(None, q)
    services.record_view(make_user(), q)
    services.record_view(asker, q)  # the asker's own visit
    db.session.expire_all()
    assert (q.view_count, a.solution_views, b.solution_views) == (3, 2, 0)
    assert services.user_impact(helper)["solution_views"] == 2 and services.user_impact(helper)["solutions"] == 1
    services.accept(asker, b)  # the solution changes: views now count for the new one
    services.record_view(None, q)
    db.session.expire_all()
    assert (a.solution_views, b.solution_views) == (2, 1)
    assert services.user_impact(helper) == {"solutions": 0, "solution_views": 0, "answers": 1, "questions": 0}
    assert services.user_impact(other)["solution_views"] == 1
