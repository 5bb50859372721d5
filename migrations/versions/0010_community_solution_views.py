"""community: views of each solution since it was marked; answer figures recounted from visible answers;
deflection visitors for the clicks recorded before they were counted per person

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

questions = sa.table("community_questions", sa.column("id", sa.Integer), sa.column("author_id", sa.Integer),
                     sa.column("answer_count", sa.Integer), sa.column("first_answer_at", sa.DateTime))
answers = sa.table("community_answers", sa.column("question_id", sa.Integer), sa.column("author_id", sa.Integer),
                   sa.column("is_hidden", sa.Boolean), sa.column("created_at", sa.DateTime))
events = sa.table("community_deflection_events", sa.column("kind", sa.String), sa.column("result_type", sa.String),
                  sa.column("created_at", sa.DateTime))


def upgrade():
    with op.batch_alter_table("community_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("solution_views", sa.Integer(), server_default="0", nullable=False))
    recount_answers()
    # Until now every click stood for one visitor: keep the old figures comparable.
    op.execute(events.insert().from_select(["kind", "result_type", "created_at"],
                                           sa.select(sa.literal("visitor"), events.c.result_type, events.c.created_at)
                                           .where(events.c.kind == "click")))


def recount_answers():
    """As community.services.refresh_answer_stats: visible answers, and the first visible one by someone else
    than the asker (hidden answers used to count)."""
    visible = (answers.c.question_id == questions.c.id) & (answers.c.is_hidden == sa.false())
    other = sa.or_(answers.c.author_id.is_(None), questions.c.author_id.is_(None),
                   answers.c.author_id != questions.c.author_id)
    op.execute(questions.update().values(
        answer_count=sa.select(sa.func.count()).select_from(answers).where(visible).scalar_subquery(),
        first_answer_at=sa.select(sa.func.min(answers.c.created_at)).where(visible, other).scalar_subquery()))


def downgrade():
    op.execute(events.delete().where(events.c.kind == "visitor"))
    with op.batch_alter_table("community_answers", schema=None) as batch_op:
        batch_op.drop_column("solution_views")
