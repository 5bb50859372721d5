"""community forum: questions, answers, comments, votes, revisions, reputation ledger, badges, flags

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("community_question_tags", "community_answers", "community_votes", "community_revisions",
          "community_reputation_events", "community_questions", "community_flags", "community_comments",
          "community_awards", "community_tags")


def upgrade():
    op.create_table('community_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_community_tags_name'))
    )
    op.create_table('community_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('badge', sa.String(length=40), nullable=False),
    sa.Column('post_type', sa.String(length=16), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('awarded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_awards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_awards'))
    )
    with op.batch_alter_table('community_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_awards_badge'), ['badge'], unique=False)
        batch_op.create_index('ix_community_awards_user_badge', ['user_id', 'badge'], unique=False)

    op.create_table('community_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_type', sa.String(length=16), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_community_comments_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_comments'))
    )
    with op.batch_alter_table('community_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_community_comments_post', ['post_type', 'post_id'], unique=False)

    op.create_table('community_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_type', sa.String(length=16), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_community_flags_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_flags_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_flags')),
    sa.UniqueConstraint('user_id', 'post_type', 'post_id', name='uq_community_flags_user_post')
    )
    with op.batch_alter_table('community_flags', schema=None) as batch_op:
        batch_op.create_index('ix_community_flags_post', ['post_type', 'post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_flags_status'), ['status'], unique=False)

    op.create_table('community_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('device', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('is_locked', sa.Boolean(), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=40), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('accepted_answer_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.Column('answer_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('first_answer_at', sa.DateTime(), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_community_questions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_community_questions_category_id_categories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['community_questions.id'], name=op.f('fk_community_questions_duplicate_of_id_community_questions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_questions'))
    )
    with op.batch_alter_table('community_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_questions_accepted_answer_id'), ['accepted_answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_questions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_questions_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_questions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_questions_is_hidden'), ['is_hidden'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_questions_last_activity_at'), ['last_activity_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_questions_status'), ['status'], unique=False)

    op.create_table('community_reputation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('post_type', sa.String(length=16), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reversed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_community_reputation_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_reputation_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_reputation_events'))
    )
    with op.batch_alter_table('community_reputation_events', schema=None) as batch_op:
        batch_op.create_index('ix_community_reputation_events_post', ['post_type', 'post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_reputation_events_user_id'), ['user_id'], unique=False)

    op.create_table('community_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_type', sa.String(length=16), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('old_title', sa.String(length=200), nullable=True),
    sa.Column('new_title', sa.String(length=200), nullable=True),
    sa.Column('old_body', sa.Text(), nullable=False),
    sa.Column('new_body', sa.Text(), nullable=False),
    sa.Column('old_tags', sa.String(length=400), nullable=False),
    sa.Column('new_tags', sa.String(length=400), nullable=False),
    sa.Column('comment', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_community_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_revisions'))
    )
    with op.batch_alter_table('community_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_community_revisions_post', ['post_type', 'post_id'], unique=False)

    op.create_table('community_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('post_type', sa.String(length=16), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_votes')),
    sa.UniqueConstraint('user_id', 'post_type', 'post_id', name='uq_community_votes_user_post')
    )
    with op.batch_alter_table('community_votes', schema=None) as batch_op:
        batch_op.create_index('ix_community_votes_post', ['post_type', 'post_id'], unique=False)

    op.create_table('community_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_community_answers_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['community_questions.id'], name=op.f('fk_community_answers_question_id_community_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_answers'))
    )
    with op.batch_alter_table('community_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_answers_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_answers_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_answers_question_id'), ['question_id'], unique=False)

    op.create_table('community_question_tags',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['community_questions.id'], name=op.f('fk_community_question_tags_question_id_community_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['community_tags.id'], name=op.f('fk_community_question_tags_tag_id_community_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'tag_id', name=op.f('pk_community_question_tags'))
    )


def downgrade():
    for name in TABLES:
        op.drop_table(name)
