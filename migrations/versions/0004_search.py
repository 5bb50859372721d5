"""search analytics and synonyms

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_logs")),
    )
    op.create_index(op.f("ix_search_logs_query"), "search_logs", ["query"])
    op.create_index(op.f("ix_search_logs_created_at"), "search_logs", ["created_at"])
    op.create_table(
        "search_clicks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("result_type", sa.String(length=16), nullable=False),
        sa.Column("result_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_clicks")),
    )
    op.create_index(op.f("ix_search_clicks_query"), "search_clicks", ["query"])
    op.create_index(op.f("ix_search_clicks_created_at"), "search_clicks", ["created_at"])
    op.create_table(
        "search_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonyms")),
    )


def downgrade():
    op.drop_table("search_synonyms")
    op.drop_index(op.f("ix_search_clicks_created_at"), table_name="search_clicks")
    op.drop_index(op.f("ix_search_clicks_query"), table_name="search_clicks")
    op.drop_table("search_clicks")
    op.drop_index(op.f("ix_search_logs_created_at"), table_name="search_logs")
    op.drop_index(op.f("ix_search_logs_query"), table_name="search_logs")
    op.drop_table("search_logs")
