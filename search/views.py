"""Search pages. Interim: a simple title/body match until the Whoosh index lands."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from core.extensions import db
from kb.models import Article

bp = Blueprint("search", __name__)


@bp.route("/suche")
def results():
    query = (request.args.get("q") or "").strip()[:200]
    hits = []
    if query:
        pattern = f"%{query}%"
        hits = db.session.execute(
            db.select(Article).where(Article.status == "published",
                                     Article.title.ilike(pattern) | Article.body_md.ilike(pattern)).limit(20)
        ).scalars().all()
    return render_template("search/results.html", query=query, hits=hits)
