"""Ticket service: SLA policies, SLA events, CSAT requests; merge, pause and mail columns

Revision ID: 0007
Revises: 0006

New tables ``sla_policies`` (seeded with one row per priority), ``ticket_sla_events`` and
``csat_requests``. ``tickets`` gains merged_into_id, sla_paused_at and sla_paused_minutes;
``ticket_comments`` gains mail_id. On SQLite they are added with ALTER TABLE ... ADD COLUMN
(an inline REFERENCES keeps the foreign key): batch mode would copy and drop the tickets
table, and dropping it with foreign keys on would cascade to its comments. As in 0005 and
0006, the SQLite downgrade leaves these nullable columns in place and the upgrade skips them.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Business minutes: urgent 1 h / 4 h, high 4 h / 1 day, normal 8 h / 3 days, low 16 h / 5 days
# (a business day is 8 hours). The same defaults live in crm_app/services/tickets/sla.py.
DEFAULT_POLICIES = [
    ("urgent", 60, 240),
    ("high", 240, 480),
    ("normal", 480, 1440),
    ("low", 960, 2400),
]

_TICKET_COLUMNS = [
    ("merged_into_id", "INTEGER REFERENCES tickets (id)"),
    ("sla_paused_at", "DATETIME"),
    ("sla_paused_minutes", "INTEGER DEFAULT '0' NOT NULL"),
]


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    policies = op.create_table(
        "sla_policies",
        sa.Column("priority", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("priority"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        policies,
        [
            {
                "priority": p,
                "first_response_minutes": first,
                "resolution_minutes": resolution,
                "updated_at": now,
            }
            for p, first, resolution in DEFAULT_POLICIES
        ],
    )
    op.create_table(
        "ticket_sla_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "target", "kind", name="uq_ticket_sla_events"),
    )
    with op.batch_alter_table("ticket_sla_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_sla_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ticket_sla_events_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "csat_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["mail_id"], ["mail_messages.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("csat_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_csat_requests_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_csat_requests_ticket_id"), ["ticket_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_csat_requests_token_hash"), ["token_hash"], unique=True
        )

    have_tickets, have_comments = _columns("tickets"), _columns("ticket_comments")
    if op.get_bind().dialect.name == "sqlite":
        for name, ddl in _TICKET_COLUMNS:
            if name not in have_tickets:
                op.execute(f"ALTER TABLE tickets ADD COLUMN {name} {ddl}")
        if "mail_id" not in have_comments:
            op.execute(
                "ALTER TABLE ticket_comments ADD COLUMN mail_id INTEGER "
                "REFERENCES mail_messages (id)"
            )
        return
    op.add_column("tickets", sa.Column("merged_into_id", sa.Integer(), nullable=True))
    op.add_column(
        "tickets", sa.Column("sla_paused_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "tickets",
        sa.Column("sla_paused_minutes", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_foreign_key(
        "fk_tickets_merged_into_id_tickets", "tickets", "tickets", ["merged_into_id"], ["id"]
    )
    op.add_column("ticket_comments", sa.Column("mail_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        "fk_ticket_comments_mail_id_mail_messages",
        "ticket_comments",
        "mail_messages",
        ["mail_id"],
        ["id"],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            "fk_ticket_comments_mail_id_mail_messages", "ticket_comments", type_="foreignkey"
        )
        op.drop_column("ticket_comments", "mail_id")
        op.drop_constraint("fk_tickets_merged_into_id_tickets", "tickets", type_="foreignkey")
        for name, _ddl in reversed(_TICKET_COLUMNS):
            op.drop_column("tickets", name)
    with op.batch_alter_table("csat_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_csat_requests_token_hash"))
        batch_op.drop_index(batch_op.f("ix_csat_requests_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_csat_requests_created_at"))
    op.drop_table("csat_requests")
    with op.batch_alter_table("ticket_sla_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_sla_events_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_sla_events_at"))
    op.drop_table("ticket_sla_events")
    op.drop_table("sla_policies")
