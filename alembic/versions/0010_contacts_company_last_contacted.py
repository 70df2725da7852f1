"""Index contacts by company and last contact

Revision ID: 0010
Revises: 0009

Analytics (the customers table, customer health) reads a company's last contact as the
newest ``last_contacted_at`` of its contacts, for every company at once; with this index each
company's value is one step in the index instead of reading all its contacts' rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_company_last_contacted",
            ["company_id", "last_contacted_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_company_last_contacted")
