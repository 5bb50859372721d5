"""Search pages: results (/suche), the click-through that records which result helped, and the editor pages for
search analytics and synonyms."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.permissions import editor_required
from search import analytics, service, synonyms
from search.models import SynonymGroup

bp = Blueprint("search", __name__)

PERIODS = (7, 30, 90, 365)


def endpoint_url(endpoint: str, **values) -> str | None:
    if endpoint in current_app.view_functions:
        try:
            return url_for(endpoint, **values)
        except Exception:
            return None
    return None


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 6 else default


def safe_local(url: str) -> bool:
    parts = urlsplit(url or "")
    return bool(url) and url.startswith("/") and not url.startswith("//") and "\\" not in url \
        and not parts.scheme and not parts.netloc


@bp.route("/suche")
def results():
    query = service.clean_query(request.args.get("q"))
    kind = request.args.get("type") or None
    category = (request.args.get("category") or "")[:80] or None
    page = _int_arg("page", 1)
    outcome = service.run(query, type=kind, category=category, page=page)
    res = outcome.results
    pages = max(1, -(-res.total // res.per_page)) if res.total else 1
    status = 503 if outcome.unavailable else 200
    return render_template(
        "search/results.html", query=query, outcome=outcome, res=res, kind=kind, category=category,
        pages=min(pages, service.MAX_PAGE), ask_url=endpoint_url("community.ask"),
        community_url=endpoint_url("community.index")), status


@bp.route("/suche/klick")
def click():
    """Click-through: record which result of which query was opened, then go there (local paths only)."""
    target = request.args.get("to", "")
    if not safe_local(target):
        abort(400)
    kind = request.args.get("type", "")
    raw_id = (request.args.get("id") or "")[:40]
    query = request.args.get("q", "")
    source = request.args.get("source", "search")
    if query and kind in service.TYPES and raw_id:
        try:
            analytics.log_click(query, kind, raw_id, source=source if source in ("search", "ask") else "search")
            db.session.commit()
        except Exception:
            db.session.rollback()
    return redirect(target, code=303)


@bp.route("/redaktion/suche", endpoint="analytics")
@editor_required
def analytics_page():
    days = _int_arg("days", 30)
    if days not in PERIODS:
        days = 30
    report = analytics.report(days=days)
    return render_template("search/analytics.html", report=report, days=days, periods=PERIODS,
                           new_article_url=endpoint_url("content.new_article"))


@bp.route("/redaktion/synonyme", methods=["GET", "POST"])
@editor_required
def synonyms_page():
    synonyms.ensure_rows()
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "add":
            terms = synonyms.parse(request.form.get("terms", ""))
            if len(terms) < 2:
                flash(_("Eine Gruppe braucht mindestens zwei Begriffe, durch Kommas getrennt."), "error")
                return render_template("search/synonyms.html", groups=_all_groups(),
                                       value=request.form.get("terms", "")), 422
            db.session.add(SynonymGroup(terms=terms))
            flash(_("Synonymgruppe gespeichert."), "success")
        elif action in ("update", "delete"):
            raw = request.form.get("id", "")
            group = db.session.get(SynonymGroup, int(raw)) if raw.isdigit() else None
            if group is None:
                abort(404)
            if action == "delete":
                db.session.delete(group)
                flash(_("Synonymgruppe gelöscht."), "success")
            else:
                terms = synonyms.parse(request.form.get("terms", ""))
                if len(terms) < 2:
                    flash(_("Eine Gruppe braucht mindestens zwei Begriffe, durch Kommas getrennt."), "error")
                    return render_template("search/synonyms.html", groups=_all_groups()), 422
                group.terms = terms
                flash(_("Synonymgruppe gespeichert."), "success")
        else:
            abort(400)
        db.session.commit()
        synonyms.invalidate()
        return redirect(url_for("search.synonyms_page"), code=303)
    return render_template("search/synonyms.html", groups=_all_groups(), value="")


def _all_groups():
    return db.session.execute(select(SynonymGroup).order_by(SynonymGroup.id)).scalars().all()
