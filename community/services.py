"""Community rules: asking, answering, commenting, editing, voting, accepting, moderation and flags.

Every function changes the session and flushes; the caller (view, API, CLI) commits once. Signals from
community.signals are sent after the flush. Errors are DomainError / PermissionDenied / NotFound.
"""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy.exc import IntegrityError

from community import permissions, reputation, signals
from community.badges import check_user
from community.models import Answer, Comment, Flag, PostRevision, Question, Tag, Vote
from community.pii import KIND_LABELS, find_personal_data
from community.superusers import maybe_promote
from content.render import render_markdown
from core.errors import DomainError, NotFound, PermissionDenied
from core.extensions import db
from core.models import AuditLog, User, utcnow

TITLE_MIN, TITLE_MAX = 10, 200
BODY_MAX = 20000
COMMENT_MAX = 600
MAX_TAGS = 5
FLAG_REASONS = ("spam", "offensive", "personal_data", "off_topic", "other")
# Translatable names of the guard's kinds (community.pii keeps plain German labels).
KIND_NAMES = {
    "customer_number": _l("Kundennummer"),
    "password": _l("Passwort"),
    "iban": _l("IBAN"),
    "phone": _l("Telefonnummer"),
    "email": _l("E-Mail-Adresse"),
    "address": _l("Adresse"),
}
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{3,40})")
_LINK = re.compile(r"https?://|www\.|\]\(|<a\s", re.IGNORECASE)


# ---- guards -------------------------------------------------------------------------------------------------

def render_post(body: str) -> str:
    """A post's stored HTML: sanitized once on save, with markers for shortcodes (``[[video:ID]]``) that the
    pages and the API expand at serve time (content.render.expand_shortcodes), as articles do, so a change to the
    trusted embed reaches old posts too."""
    return render_markdown(body, toc=False, defer_shortcodes=True).html


def check_personal_data(**fields: str) -> None:
    """Refuse text with personal data: DomainError personal_data (422) with kinds and masked findings."""
    pattern = current_app.config.get("CUSTOMER_NUMBER_PATTERN") or None
    findings = []
    for field, text in fields.items():
        for finding in find_personal_data(text or "", customer_number_pattern=pattern):
            findings.append({"field": field, "kind": finding.kind, "label": KIND_LABELS.get(finding.kind, finding.kind),
                             "excerpt": finding.excerpt, "start": finding.start, "end": finding.end})
    if findings:
        kinds = sorted({f["kind"] for f in findings})
        labels = ", ".join(str(KIND_NAMES.get(kind, KIND_LABELS.get(kind, kind))) for kind in kinds)
        raise DomainError(_("Ihr Beitrag enthält persönliche Daten (%(kinds)s) und wurde nicht veröffentlicht.",
                            kinds=labels), code="personal_data", status=422,
                          details={"kinds": kinds, "findings": findings})


def may_post_links(user: User) -> bool:
    """Links need earned reputation (COMMUNITY_LINK_MIN_REPUTATION), however old the account is: an account
    registered and left to age is no more trustworthy. Moderators and staff may always post links."""
    if user.is_moderator or user.is_staff:
        return True
    return (user.reputation or 0) >= int(current_app.config["COMMUNITY_LINK_MIN_REPUTATION"])


def check_links(user: User, *texts: str) -> None:
    if not may_post_links(user) and any(_LINK.search(text or "") for text in texts):
        raise DomainError(_("Links dürfen Sie ab %(n)d Reputationspunkten veröffentlichen. Bitte beschreiben Sie es "
                            "ohne Link.", n=int(current_app.config["COMMUNITY_LINK_MIN_REPUTATION"])),
                          code="links_not_allowed", status=422)


def _require_participant(user) -> None:
    if not permissions.can_participate(user):
        raise PermissionDenied(_("Bitte melden Sie sich an."))


def _clean_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _validate_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < TITLE_MIN:
        raise DomainError(_("Der Titel ist zu kurz (mindestens %(n)d Zeichen).", n=TITLE_MIN), code="title_too_short")
    if len(title) > TITLE_MAX:
        raise DomainError(_("Der Titel ist zu lang (höchstens %(n)d Zeichen).", n=TITLE_MAX), code="title_too_long")
    return title


def _validate_body(body: str, maximum: int = BODY_MAX) -> str:
    body = _clean_text(body)
    if not body:
        raise DomainError(_("Bitte schreiben Sie einen Text."), code="body_required")
    if len(body) > maximum:
        raise DomainError(_("Der Text ist zu lang (höchstens %(n)d Zeichen).", n=maximum), code="body_too_long")
    return body


def normalise_tags(raw) -> list[str]:
    if isinstance(raw, str):
        raw = re.split(r"[,;\s]+", raw)
    names: list[str] = []
    for item in raw or []:
        if not isinstance(item, str):
            raise DomainError(_("Ungültige Schlagwörter."), code="bad_tags")
        name = slugify(item, max_length=30, word_boundary=True, replacements=[["ä", "ae"], ["ö", "oe"], ["ü", "ue"]])
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise DomainError(_("Höchstens %(n)d Schlagwörter.", n=MAX_TAGS), code="too_many_tags")
    return names


def _tags(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        tag = db.session.execute(db.select(Tag).where(Tag.name == name)).scalar_one_or_none()
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def _category(value):
    from kb.models import Category
    if value in (None, "", 0):
        return None
    if isinstance(value, Category):
        return value
    query = db.select(Category)
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        category = db.session.get(Category, int(value))
    else:
        category = db.session.execute(query.where(Category.slug == str(value))).scalar_one_or_none()
    if category is None:
        raise DomainError(_("Unbekanntes Thema."), code="bad_category")
    return category


def _mentions(author: User, post_type: str, post, body: str) -> None:
    names = {name.rstrip(".").lower() for name in _MENTION.findall(body or "")}
    for name in sorted(names):
        user = db.session.execute(db.select(User).where(db.func.lower(User.username) == name)).scalar_one_or_none()
        if user is not None and user.id != author.id:
            signals.mention.send(author, user=user, post_type=post_type, post=post, by=author)


def _audit(actor: User | None, action: str, target_type: str, target_id: int, reason: str | None = None, **details):
    db.session.add(AuditLog(actor_id=actor.id if actor else None, action=action, target_type=target_type,
                            target_id=target_id, details=details, reason=reason or None))


# ---- posts --------------------------------------------------------------------------------------------------

def ask_question(author: User, title: str, body: str, *, category=None, tags=None, device: str = "") -> Question:
    _require_participant(author)
    title = _validate_title(title)
    body = _validate_body(body)
    device = " ".join((device or "").split())[:120]
    tag_names = normalise_tags(tags)
    check_personal_data(title=title, body=body, device=device)
    check_links(author, title, body)
    now = utcnow()
    question = Question(title=title, body_md=body, body_html=render_post(body), author=author,
                        category=_category(category), device=device, created_at=now, updated_at=now,
                        last_activity_at=now)
    question.tags = _tags(tag_names)
    db.session.add(question)
    db.session.flush()
    check_user(author)
    signals.question_asked.send(author, question=question)
    _mentions(author, "question", question, body)
    return question


def post_answer(author: User, question: Question, body: str) -> Answer:
    _require_participant(author)
    if not permissions.can_answer(author, question):
        raise DomainError(_("Diese Frage ist geschlossen oder gesperrt."), code="question_closed", status=409)
    body = _validate_body(body)
    check_personal_data(body=body)
    check_links(author, body)
    now = utcnow()
    answer = Answer(question=question, author=author, body_md=body, body_html=render_post(body),
                    created_at=now, updated_at=now)
    db.session.add(answer)
    question.last_activity_at = now
    refresh_answer_stats(question)
    check_user(author)
    signals.answer_posted.send(author, answer=answer)
    _mentions(author, "answer", answer, body)
    return answer


def refresh_answer_stats(question: Question) -> None:
    """Recount the question's cached answer figures from its answers (after one appears, is hidden or shown again).

    answer_count: visible answers (what readers see). first_answer_at: the first visible answer by someone other
    than the asker; a question is "answered" exactly when it is set (lists, queue, stats, reminders all use it),
    so a hidden spam answer or the asker's own follow-up leaves the question waiting.
    """
    db.session.flush()
    visible = db.select(Answer).where(Answer.question_id == question.id, Answer.is_hidden.is_(False)).subquery()
    question.answer_count = db.session.execute(db.select(db.func.count()).select_from(visible)).scalar_one()
    others = db.select(db.func.min(visible.c.created_at))
    if question.author_id is not None:
        others = others.where(visible.c.author_id.is_(None) | (visible.c.author_id != question.author_id))
    question.first_answer_at = db.session.execute(others).scalar_one()
    db.session.flush()


def get_post(post_type: str, post_id: int):
    model = {"question": Question, "answer": Answer, "comment": Comment}.get(post_type)
    post = db.session.get(model, post_id) if model else None
    if post is None:
        raise NotFound(_("Beitrag nicht gefunden."))
    return post


def question_of(post_type: str, post) -> Question:
    if post_type == "question":
        return post
    if post_type == "answer":
        return post.question
    return question_of(post.post_type, get_post(post.post_type, post.post_id))


def add_comment(author: User, post_type: str, post, body: str) -> Comment:
    _require_participant(author)
    if post_type not in ("question", "answer"):
        raise DomainError(_("Ungültiger Beitrag."), code="bad_post_type")
    question = question_of(post_type, post)
    if not permissions.can_comment(author, question) or post.is_hidden:
        raise DomainError(_("Diese Frage ist gesperrt."), code="question_locked", status=409)
    body = _validate_body(body, COMMENT_MAX)
    check_personal_data(body=body)
    check_links(author, body)
    comment = Comment(post_type=post_type, post_id=post.id, author=author, body_md=body,
                      body_html=render_post(body), created_at=utcnow())
    db.session.add(comment)
    question.last_activity_at = utcnow()
    db.session.flush()
    check_user(author)
    _mentions(author, "comment", comment, body)
    return comment


def edit_question(editor: User, question: Question, *, title: str, body: str, tags=None, category=None,
                  device: str | None = None, comment: str = "") -> PostRevision | None:
    if not permissions.can_edit(editor, question):
        raise PermissionDenied(_("Sie dürfen diese Frage nicht bearbeiten."))
    title = _validate_title(title)
    body = _validate_body(body)
    tag_names = normalise_tags(tags)
    device = question.device if device is None else " ".join(device.split())[:120]
    check_personal_data(title=title, body=body, device=device)
    check_links(editor, title, body)
    old_tags = ", ".join(question.tag_names)
    new_category = _category(category) if category is not None else question.category
    if (title, body, tag_names, device, new_category) == (question.title, question.body_md, question.tag_names,
                                                          question.device, question.category):
        return None
    revision = PostRevision(post_type="question", post_id=question.id, editor_id=editor.id, old_title=question.title,
                            new_title=title, old_body=question.body_md, new_body=body, old_tags=old_tags,
                            new_tags=", ".join(tag_names), comment=(comment or "")[:300], created_at=utcnow())
    db.session.add(revision)
    question.title, question.body_md, question.device = title, body, device
    question.body_html = render_post(body)
    question.tags = _tags(tag_names)
    question.category = new_category
    question.last_activity_at = utcnow()
    if editor.id != question.author_id:
        _audit(editor, "community.edit", "question", question.id, comment)
    db.session.flush()
    return revision


def edit_answer(editor: User, answer: Answer, *, body: str, comment: str = "") -> PostRevision | None:
    if not permissions.can_edit(editor, answer):
        raise PermissionDenied(_("Sie dürfen diese Antwort nicht bearbeiten."))
    body = _validate_body(body)
    check_personal_data(body=body)
    check_links(editor, body)
    if body == answer.body_md:
        return None
    revision = PostRevision(post_type="answer", post_id=answer.id, editor_id=editor.id, old_body=answer.body_md,
                            new_body=body, comment=(comment or "")[:300], created_at=utcnow())
    db.session.add(revision)
    answer.body_md = body
    answer.body_html = render_post(body)
    answer.question.last_activity_at = utcnow()
    if editor.id != answer.author_id:
        _audit(editor, "community.edit", "answer", answer.id, comment)
    db.session.flush()
    return revision


def revisions(post_type: str, post_id: int) -> list[PostRevision]:
    return list(db.session.execute(db.select(PostRevision).where(PostRevision.post_type == post_type,
                                                                 PostRevision.post_id == post_id)
                                   .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())).scalars())


# ---- votes --------------------------------------------------------------------------------------------------

def _existing_vote(user_id: int, post_type: str, post_id: int) -> Vote | None:
    return db.session.execute(db.select(Vote).where(Vote.user_id == user_id, Vote.post_type == post_type,
                                                    Vote.post_id == post_id)).scalar_one_or_none()


def vote(voter: User, post_type: str, post, value: int) -> int:
    """Cast (1/-1), change or retract (0) a vote; returns the post's new score."""
    _require_participant(voter)
    if post_type not in ("question", "answer"):
        raise DomainError(_("Ungültiger Beitrag."), code="bad_post_type")
    if value not in (1, -1, 0):
        raise DomainError(_("Ungültige Stimme."), code="bad_vote")
    if post.author_id == voter.id:
        raise DomainError(_("Eigene Beiträge können Sie nicht bewerten."), code="self_vote", status=403)
    if post.is_hidden:
        raise DomainError(_("Dieser Beitrag ist ausgeblendet."), code="post_hidden", status=409)
    existing = _existing_vote(voter.id, post_type, post.id)
    old = existing.value if existing else 0
    if old == value:
        return post.score
    if existing is not None:
        reputation.reverse(kinds=reputation.VOTE_KINDS, post_type=post_type, post_id=post.id, actor_id=voter.id)
        reputation.increment(post, "score", -old)
        if value == 0:
            db.session.delete(existing)
        else:
            existing.value = value
            existing.created_at = utcnow()
    else:
        try:  # a racing double submit hits the unique constraint: report it, never a 500
            with db.session.begin_nested():
                db.session.add(Vote(user_id=voter.id, post_type=post_type, post_id=post.id, value=value,
                                    created_at=utcnow()))
        except IntegrityError:
            raise DomainError(_("Ihre Stimme wurde bereits gezählt."), code="duplicate_vote", status=409) from None
    if value:
        reputation.increment(post, "score", value)
        author = db.session.get(User, post.author_id) if post.author_id else None
        if author is not None:
            if value > 0:
                kind = "answer_upvoted" if post_type == "answer" else "question_upvoted"
                reputation.record(author, kind, post_type=post_type, post_id=post.id, actor=voter)
            else:
                reputation.record(author, "downvoted", post_type=post_type, post_id=post.id, actor=voter)
        if value < 0 and post_type == "answer":
            reputation.record(voter, "downvote_given", post_type=post_type, post_id=post.id, actor=voter)
    db.session.flush()
    signals.post_voted.send(voter, post_type=post_type, post=post, voter=voter, value=value)
    if post.author_id:
        author = db.session.get(User, post.author_id)
        check_user(author)
        maybe_promote(author)
    check_user(voter)
    return post.score


def user_votes(user, question: Question) -> dict[tuple[str, int], int]:
    if not permissions.can_participate(user):
        return {}
    answer_ids = [a.id for a in question.answers]
    rows = db.session.execute(db.select(Vote.post_type, Vote.post_id, Vote.value).where(
        Vote.user_id == user.id,
        ((Vote.post_type == "question") & (Vote.post_id == question.id))
        | ((Vote.post_type == "answer") & Vote.post_id.in_(answer_ids or [-1])))).all()
    return {(post_type, post_id): value for post_type, post_id, value in rows}


# ---- solutions ----------------------------------------------------------------------------------------------

def accept(by: User, answer: Answer) -> None:
    question = answer.question
    if not permissions.can_accept(by, question):
        raise PermissionDenied(_("Nur die fragende Person, Superuser und Administratoren können eine Lösung markieren."))
    if answer.is_hidden:
        raise DomainError(_("Diese Antwort ist ausgeblendet."), code="post_hidden", status=409)
    if question.accepted_answer_id == answer.id:
        return
    if question.accepted_answer_id is not None:
        previous = db.session.get(Answer, question.accepted_answer_id)
        if previous is not None:
            _unaccept(by, question, previous)
    now = utcnow()
    question.accepted_answer_id = answer.id
    answer.accepted_at = now
    question.last_activity_at = now
    author = db.session.get(User, answer.author_id) if answer.author_id else None
    asker = db.session.get(User, question.author_id) if question.author_id else None
    if author is not None and author.id != question.author_id:
        reputation.record(author, "answer_accepted", post_type="answer", post_id=answer.id, actor=by)
        if asker is not None and by.id == asker.id:
            reputation.record(asker, "accepted_an_answer", post_type="answer", post_id=answer.id, actor=by)
    if by.id != question.author_id:
        _audit(by, "community.accept", "answer", answer.id, question_id=question.id)
    db.session.flush()
    signals.answer_accepted.send(by, answer=answer, by=by)
    for user in {u for u in (author, asker) if u is not None}:
        check_user(user)
        maybe_promote(user)


def _unaccept(by: User, question: Question, answer: Answer) -> None:
    reputation.reverse(kinds=reputation.ACCEPT_KINDS, post_type="answer", post_id=answer.id)
    question.accepted_answer_id = None
    answer.accepted_at = None
    if by.id != question.author_id:
        _audit(by, "community.unaccept", "answer", answer.id, question_id=question.id)
    db.session.flush()
    signals.answer_unaccepted.send(by, answer=answer, by=by)


def unaccept(by: User, question: Question) -> None:
    if not permissions.can_accept(by, question):
        raise PermissionDenied(_("Nur die fragende Person, Superuser und Administratoren können eine Lösung entfernen."))
    if question.accepted_answer_id is None:
        return
    answer = db.session.get(Answer, question.accepted_answer_id)
    if answer is None:
        question.accepted_answer_id = None
        return
    _unaccept(by, question, answer)


OUTSCORE_MARGIN = 3


def ordered_answers(question: Question, viewer=None) -> list[Answer]:
    """The solution first; then an answer that clearly outscores it; then the rest by score (oldest first on ties)."""
    answers = [a for a in question.answers if a.is_visible or permissions.can_moderate(viewer)
               or (permissions.can_participate(viewer) and a.author_id == viewer.id)]
    rest = sorted((a for a in answers if a.id != question.accepted_answer_id), key=lambda a: (-a.score, a.created_at))
    accepted = [a for a in answers if a.id == question.accepted_answer_id]
    return accepted + rest


def outscores_solution(question: Question, answer: Answer) -> bool:
    accepted = question.accepted_answer
    return (accepted is not None and answer.id != accepted.id
            and answer.score >= accepted.score + OUTSCORE_MARGIN)


# ---- moderation ---------------------------------------------------------------------------------------------

def _require_moderator(user) -> None:
    if not permissions.can_moderate(user):
        raise PermissionDenied(_("Nur für Superuser und Administratoren."))


def close_as_duplicate(by: User, question: Question, original: Question, reason: str = "") -> None:
    _require_moderator(by)
    if original is None or original.id == question.id or original.is_hidden:
        raise DomainError(_("Bitte geben Sie eine andere, sichtbare Frage als Original an."), code="bad_duplicate")
    if original.duplicate_of_id == question.id:
        raise DomainError(_("Die beiden Fragen würden aufeinander verweisen."), code="bad_duplicate")
    question.status = "closed"
    question.duplicate_of_id = original.id
    _audit(by, "community.close_duplicate", "question", question.id, reason, original_id=original.id)
    db.session.flush()


def reopen(by: User, question: Question, reason: str = "") -> None:
    _require_moderator(by)
    question.status = "open"
    question.duplicate_of_id = None
    _audit(by, "community.reopen", "question", question.id, reason)
    db.session.flush()


def set_locked(by: User, question: Question, locked: bool, reason: str = "") -> None:
    _require_moderator(by)
    question.is_locked = locked
    _audit(by, "community.lock" if locked else "community.unlock", "question", question.id, reason)
    db.session.flush()


def set_hidden(by: User | None, post_type: str, post, hidden: bool, reason: str = "", *, code: str = "moderator"):
    if by is not None:
        _require_moderator(by)
    post.is_hidden = hidden
    if hasattr(post, "hidden_reason"):
        post.hidden_reason = code if hidden else None
    _audit(by, "community.hide" if hidden else "community.unhide", post_type, post.id, reason, automatic=by is None)
    db.session.flush()
    if post_type == "answer":
        refresh_answer_stats(post.question)
    if hidden:
        signals.post_hidden.send(by, post_type=post_type, post=post, by=by)


def escalate(by: User, question: Question, reason: str = "") -> None:
    _require_moderator(by)
    if question.escalated_at is not None:
        raise DomainError(_("Diese Frage wurde bereits an das Support-Team weitergeleitet."), code="already_escalated",
                          status=409)
    question.escalated_at = utcnow()
    _audit(by, "community.escalate", "question", question.id, reason)
    db.session.flush()
    signals.question_escalated.send(by, question=question, by=by)


def flag(user: User, post_type: str, post, reason: str, note: str = "") -> Flag:
    _require_participant(user)
    if post_type not in ("question", "answer", "comment"):
        raise DomainError(_("Ungültiger Beitrag."), code="bad_post_type")
    if reason not in FLAG_REASONS:
        raise DomainError(_("Bitte wählen Sie einen Grund."), code="bad_reason")
    if not permissions.can_flag(user, post):
        raise DomainError(_("Eigene Beiträge können Sie nicht melden."), code="self_flag", status=403)
    existing = db.session.execute(db.select(Flag).where(Flag.user_id == user.id, Flag.post_type == post_type,
                                                        Flag.post_id == post.id)).scalar_one_or_none()
    if existing is not None:
        raise DomainError(_("Sie haben diesen Beitrag bereits gemeldet."), code="already_flagged", status=409)
    item = Flag(post_type=post_type, post_id=post.id, user_id=user.id, reason=reason, note=(note or "")[:300],
                created_at=utcnow())
    db.session.add(item)
    db.session.flush()
    threshold = int(current_app.config.get("COMMUNITY_FLAG_HIDE_THRESHOLD", 3))
    if not post.is_hidden and open_flag_count(post_type, post.id) >= threshold:
        set_hidden(None, post_type, post, True, "flags", code="flags")
    return item


def open_flag_count(post_type: str, post_id: int) -> int:
    return db.session.execute(db.select(db.func.count(Flag.id)).where(
        Flag.post_type == post_type, Flag.post_id == post_id, Flag.status == "open")).scalar_one()


def handle_flags(by: User, post_type: str, post, accept_flags: bool, reason: str = "") -> int:
    """Decide all open flags on a post: accepted → the post stays hidden; rejected → it comes back."""
    _require_moderator(by)
    flags = db.session.execute(db.select(Flag).where(Flag.post_type == post_type, Flag.post_id == post.id,
                                                     Flag.status == "open")).scalars().all()
    if not flags:
        raise DomainError(_("Zu diesem Beitrag gibt es keine offenen Meldungen."), code="no_flags", status=409)
    now = utcnow()
    for item in flags:
        item.status = "accepted" if accept_flags else "rejected"
        item.handled_by_id = by.id
        item.handled_at = now
    _audit(by, "community.flags_accepted" if accept_flags else "community.flags_rejected", post_type, post.id,
           reason, flags=len(flags))
    if accept_flags and not post.is_hidden:
        set_hidden(by, post_type, post, True, reason)
    elif not accept_flags and post.is_hidden and getattr(post, "hidden_reason", "flags") == "flags":
        set_hidden(by, post_type, post, False, reason)
    db.session.flush()
    if accept_flags:
        for item in flags:
            flagger = db.session.get(User, item.user_id) if item.user_id else None
            if flagger is not None:
                check_user(flagger)
    return len(flags)


def flag_queue() -> list[dict]:
    """Posts with open flags, hidden ones first, oldest flag first."""
    rows = db.session.execute(db.select(Flag.post_type, Flag.post_id, db.func.count(Flag.id), db.func.min(Flag.created_at))
                              .where(Flag.status == "open").group_by(Flag.post_type, Flag.post_id)).all()
    items = []
    for post_type, post_id, count, first in rows:
        try:
            post = get_post(post_type, post_id)
        except NotFound:
            continue
        reasons = db.session.execute(db.select(Flag.reason).where(Flag.post_type == post_type, Flag.post_id == post_id,
                                                                  Flag.status == "open")).scalars().all()
        items.append({"post_type": post_type, "post": post, "count": count, "first": first,
                      "reasons": sorted(set(reasons)), "question": question_of(post_type, post)})
    items.sort(key=lambda item: (not item["post"].is_hidden, item["first"]))
    return items


# ---- reading ------------------------------------------------------------------------------------------------

def get_question(question_id: int, viewer=None) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or not permissions.can_view_question(viewer, question):
        raise NotFound(_("Diese Frage gibt es nicht (mehr)."))
    return question


def get_answer(answer_id: int, viewer=None) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None or not permissions.can_view_question(viewer, answer.question):
        raise NotFound(_("Diese Antwort gibt es nicht (mehr)."))
    return answer


FILTERS = ("neu", "unbeantwortet", "ungeloest", "geloest")


def question_query(filter_name: str = "neu", *, tag: str | None = None, category_id: int | None = None):
    query = db.select(Question).where(Question.is_hidden.is_(False))
    if filter_name == "unbeantwortet":
        query = query.where(Question.first_answer_at.is_(None), Question.status == "open")
    elif filter_name == "ungeloest":
        query = query.where(Question.accepted_answer_id.is_(None), Question.status == "open")
    elif filter_name == "geloest":
        query = query.where(Question.accepted_answer_id.is_not(None))
    if tag:
        query = query.where(Question.tags.any(Tag.name == tag))
    if category_id:
        query = query.where(Question.category_id == category_id)
    return query.order_by(Question.created_at.desc(), Question.id.desc())


def filter_counts(*, tag: str | None = None, category_id: int | None = None) -> dict[str, int]:
    counts = {}
    for name in FILTERS:
        sub = question_query(name, tag=tag, category_id=category_id).order_by(None).subquery()
        counts[name] = db.session.execute(db.select(db.func.count()).select_from(sub)).scalar_one()
    return counts


def waiting_queue(limit: int = 100) -> list[Question]:
    """Open, visible questions without a visible answer from someone else, longest waiting first."""
    return list(db.session.execute(
        db.select(Question).where(Question.is_hidden.is_(False), Question.status == "open",
                                  Question.is_locked.is_(False), Question.first_answer_at.is_(None))
        .order_by(Question.created_at.asc(), Question.id.asc()).limit(limit)).scalars())


def unsolved_queue(limit: int = 50) -> list[Question]:
    """Answered but unsolved questions, oldest activity first (candidates for marking a solution)."""
    return list(db.session.execute(
        db.select(Question).where(Question.is_hidden.is_(False), Question.status == "open",
                                  Question.first_answer_at.is_not(None), Question.accepted_answer_id.is_(None))
        .order_by(Question.last_activity_at.asc()).limit(limit)).scalars())


def popular_tags(limit: int = 20) -> list[tuple[str, int]]:
    from community.models import question_tags
    rows = db.session.execute(
        db.select(Tag.name, db.func.count(question_tags.c.question_id))
        .join(question_tags, question_tags.c.tag_id == Tag.id)
        .join(Question, Question.id == question_tags.c.question_id).where(Question.is_hidden.is_(False))
        .group_by(Tag.name).order_by(db.func.count(question_tags.c.question_id).desc(), Tag.name).limit(limit)).all()
    return [(name, count) for name, count in rows]


def record_view(viewer, question: Question) -> None:
    """Count a view of the question page (the asker's own views don't count). While the question has a visible
    solution, the view counts for that answer too: how often people read it since it was marked."""
    if permissions.can_participate(viewer) and viewer.id == question.author_id:
        return
    _count_views(question.id, question.accepted_answer_id, 1)


VIEWS_TALLY = "question_views"  # views of pages served from the page cache: {(question id, solution id): n}


def write_view_tally(counts) -> None:
    """core.tally writer: the views counted while the question page came from the page cache."""
    for (question_id, answer_id), n in counts.items():
        _count_views(question_id, answer_id, n)


def _count_views(question_id: int, answer_id: int | None, n: int) -> None:
    db.session.execute(db.update(Question).where(Question.id == question_id)
                       .values(view_count=Question.view_count + n))
    if answer_id is not None:
        db.session.execute(db.update(Answer).where(Answer.id == answer_id, Answer.is_hidden.is_(False))
                           .values(solution_views=Answer.solution_views + n))


def user_impact(user: User) -> dict:
    """Solutions written (visible answers marked as the solution of a visible question, self-answers excluded as
    in the badges) and solution_views: how often those questions were viewed while the answer was the solution."""
    rows = db.session.execute(
        db.select(db.func.count(Answer.id), db.func.coalesce(db.func.sum(Answer.solution_views), 0))
        .join(Question, Question.accepted_answer_id == Answer.id)
        .where(Answer.author_id == user.id, Answer.is_hidden.is_(False), Question.is_hidden.is_(False),
               Question.author_id.is_(None) | (Question.author_id != user.id))).one()
    answers = db.session.execute(db.select(db.func.count(Answer.id)).where(Answer.author_id == user.id,
                                                                           Answer.is_hidden.is_(False))).scalar_one()
    questions = db.session.execute(db.select(db.func.count(Question.id)).where(
        Question.author_id == user.id, Question.is_hidden.is_(False))).scalar_one()
    return {"solutions": rows[0], "solution_views": int(rows[1]), "answers": answers, "questions": questions}
