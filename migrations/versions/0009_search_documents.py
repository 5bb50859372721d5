"""search documents, words and pending keys for the PostgreSQL search backend

The tables exist on every database so that models and migrations describe one schema; only PostgreSQL gets the
parts that make them work: the pg_trgm and (where installed) unaccent extensions, the hc_german / hc_english
text search configurations, real tsvector columns and GIN indexes. On SQLite the tables stay empty.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TSVector = TSVECTOR().with_variant(sa.Text(), "sqlite")
CONFIGS = (("hc_german", "german"), ("hc_english", "english"))


def _text_search_objects(conn) -> None:
    """As of this revision: snowball stemmers without stopword lists (Python drops stopwords; PostgreSQL's German
    list would drop "ändern" once unaccent made it "andern"), unaccent before them when it is installed."""
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        filters = "unaccent, "
    except sa.exc.DBAPIError:
        filters = ""
    for name, language in CONFIGS:
        if conn.exec_driver_sql(f"SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}'").first():
            continue
        conn.exec_driver_sql(f"CREATE TEXT SEARCH DICTIONARY {name}_stem (TEMPLATE = snowball, Language = {language})")
        conn.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language})")
        conn.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR asciiword, asciihword, "
                             f"hword_asciipart, word, hword, hword_part WITH {filters}{name}_stem")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _text_search_objects(bind)
    op.create_table(
        "search_documents",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("obj_id", sa.String(length=40), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("chapters", sa.JSON(), nullable=False),
        sa.Column("boost", sa.Float(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("spelling", sa.Text(), nullable=False),
        sa.Column("tsv", TSVector, nullable=True),
        sa.Column("title_tsv", TSVector, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_documents")),
    )
    op.create_index("ix_search_documents_tsv", "search_documents", ["tsv"], postgresql_using="gin")
    op.create_index("ix_search_documents_title_tsv", "search_documents", ["title_tsv"], postgresql_using="gin")
    op.create_table(
        "search_words",
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.Column("part", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    op.create_index("ix_search_words_trgm", "search_words", ["word"], postgresql_using="gin",
                    postgresql_ops={"word": "gin_trgm_ops"})
    op.create_table(
        "search_pending",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_pending")),
    )


def downgrade():
    op.drop_table("search_pending")
    op.drop_index("ix_search_words_trgm", table_name="search_words")
    op.drop_table("search_words")
    op.drop_index("ix_search_documents_title_tsv", table_name="search_documents")
    op.drop_index("ix_search_documents_tsv", table_name="search_documents")
    op.drop_table("search_documents")
    if op.get_bind().dialect.name == "postgresql":
        for name, _language in CONFIGS:
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
            op.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {name}_stem")
