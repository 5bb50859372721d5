"""Revision diff: changed fields and a line diff of the Markdown with context gaps."""
from __future__ import annotations

from content import services
from content.revisions import diff_revisions, get_revision
from tests.factories import make_category
from tests.factories_content import article_data, make_draft, make_editor


def test_diff_lists_changed_fields_and_lines_with_gaps(app):
    editor = make_editor()
    body = "\n".join(f"Zeile {n}" for n in range(1, 21))
    article = make_draft(editor, title="Alt", slug="alt", body_md=body, tags=["a"])
    original_category = article.category.slug
    other = make_category("andere")
    services.update_article(editor, article, article_data(
        other, title="Neu", slug="neu", tags=["a", "b"], body_md=body.replace("Zeile 10", "Zeile zehn")))
    diff = diff_revisions(get_revision(article, 1), get_revision(article, 2))
    assert [(key, old, new) for key, _, old, new in diff.fields] == [
        ("title", "Alt", "Neu"), ("slug", "alt", "neu"), ("category", original_category, "andere"),
        ("tags", "a", "a, b")]
    kinds = [line.kind for line in diff.lines]
    assert kinds[0] == "gap" and kinds[-1] == "gap"
    assert [(line.kind, line.old_no, line.new_no, line.text) for line in diff.lines if line.kind in ("del", "ins")] == [
        ("del", 10, None, "Zeile 10"), ("ins", None, 10, "Zeile zehn")]
    assert sum(1 for k in kinds if k == "same") == 6  # three lines of context on each side
    assert not diff.unchanged


def test_same_revision_is_unchanged(app):
    article = make_draft()
    revision = get_revision(article, 1)
    diff = diff_revisions(revision, revision)
    assert diff.unchanged and diff.fields == []
    assert not any(line.kind in ("del", "ins") for line in diff.lines)
