"""video imports started from the editor pages (job status and outcome)

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "video_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("download", sa.Boolean(), nullable=False),
        sa.Column("category_slug", sa.String(length=80), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"],
                                name=op.f("fk_video_imports_requested_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_imports")),
    )
    with op.batch_alter_table("video_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_imports_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_video_imports_requested_by_id"), ["requested_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("video_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_imports_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_video_imports_created_at"))
    op.drop_table("video_imports")
