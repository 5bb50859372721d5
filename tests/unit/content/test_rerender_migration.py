"""Migration 0008 renders stored article HTML again: heading ids h-…, align-* classes, shortcode markers."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.extensions import db

OLD_HTML = '<h2 id="schritte">Schritte</h2><table><tr><td style="text-align: center;">1</td></tr></table>'


def test_upgrade_rerenders_article_html_from_markdown(app):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(revision="0007")
    body = "## Schritte\n\n| a |\n|:-:|\n| 1 |\n\n[[video:abcDEF12345]]"
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO categories (id, slug, name_de, name_en, description_de, description_en, icon, "
                          "position) VALUES (1, 'wlan', 'WLAN', 'Wi-Fi', '', '', 'wifi', 1)"))
        conn.execute(text(
            "INSERT INTO articles (id, slug, title, summary, category_id, tags, lang, body_md, body_html, toc_html, "
            "status, created_at, updated_at, helpful_yes, helpful_no) VALUES (1, 'a', 'A', '', 1, '[]', 'de', :md, "
            ":html, '', 'published', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 0, 0)"),
            {"md": body, "html": OLD_HTML})
    upgrade()
    with db.engine.connect() as conn:
        html, toc = conn.execute(text("SELECT body_html, toc_html FROM articles WHERE id = 1")).one()
    assert '<h2 id="h-schritte">Schritte</h2>' in html and 'href="#h-schritte"' in toc
    assert '<td class="align-center">1</td>' in html and "style=" not in html
    assert "<!--hc-shortcode video:abcDEF12345-->" in html
    downgrade(revision="0007")
    upgrade()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
