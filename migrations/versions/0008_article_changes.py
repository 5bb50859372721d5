"""article changes waiting for review; stored article HTML re-rendered (heading ids, table classes, shortcode markers)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_revision", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pending_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_articles_pending_by_id_users"), "users", ["pending_by_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed", sa.Boolean(), server_default=sa.false(), nullable=False))
    rerender_articles()


def rerender_articles():
    """Stored HTML is derived from body_md: render it again with today's renderer (h-… heading ids, align-*
    classes instead of style attributes, shortcode markers expanded when served). Plain SQL, so this keeps
    working whatever later migrations add to the articles table."""
    from content.render import render_markdown

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, body_md FROM articles")).fetchall()
    for article_id, body_md in rows:
        rendered = render_markdown(body_md or "", defer_shortcodes=True)
        conn.execute(sa.text("UPDATE articles SET body_html = :html, toc_html = :toc WHERE id = :id"),
                     {"html": rendered.html, "toc": rendered.toc_html, "id": article_id})


def downgrade():
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.drop_column("proposed")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_articles_pending_by_id_users"), type_="foreignkey")
        batch_op.drop_column("pending_by_id")
        batch_op.drop_column("pending_revision")
