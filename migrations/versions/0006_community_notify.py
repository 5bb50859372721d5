"""community notifications, subscriptions, e-mail settings, mail outbox, reminder marks, deflection events

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('community_deflection_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('result_type', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_deflection_events'))
    )
    with op.batch_alter_table('community_deflection_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_deflection_events_created_at'), ['created_at'], unique=False)

    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_to'), ['to'], unique=False)

    op.create_table('community_notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email_mode', sa.String(length=10), nullable=False),
    sa.Column('last_digest_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_community_notification_settings'))
    )
    op.create_table('community_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('mail_state', sa.String(length=10), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_notifications'))
    )
    with op.batch_alter_table('community_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_notifications_mail_state'), ['mail_state'], unique=False)
        batch_op.create_index('ix_community_notifications_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('community_reminder_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['community_questions.id'], name=op.f('fk_community_reminder_marks_question_id_community_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_reminder_marks')),
    sa.UniqueConstraint('question_id', 'level', name='uq_community_reminder_marks_question_level')
    )
    op.create_table('community_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['community_questions.id'], name=op.f('fk_community_subscriptions_question_id_community_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_subscriptions')),
    sa.UniqueConstraint('user_id', 'question_id', name='uq_community_subscriptions_user_question')
    )
    with op.batch_alter_table('community_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_subscriptions_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('community_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_subscriptions_question_id'))

    op.drop_table('community_subscriptions')
    op.drop_table('community_reminder_marks')
    with op.batch_alter_table('community_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_community_notifications_user_read')
        batch_op.drop_index(batch_op.f('ix_community_notifications_mail_state'))
        batch_op.drop_index(batch_op.f('ix_community_notifications_created_at'))

    op.drop_table('community_notifications')
    op.drop_table('community_notification_settings')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_to'))

    op.drop_table('mail_outbox')
    with op.batch_alter_table('community_deflection_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_deflection_events_created_at'))

    op.drop_table('community_deflection_events')
