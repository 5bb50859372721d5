"""search logs: one row may stand for several identical searches (answered from the page cache)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("search_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("searches", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("search_logs", schema=None) as batch_op:
        batch_op.drop_column("searches")
