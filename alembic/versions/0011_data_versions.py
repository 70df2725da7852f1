"""A change counter per table, raised by triggers

Revision ID: 0011
Revises: 0010

Analytics keeps the large frames it reads (every ticket, every closed deal, every purchase)
in memory between requests and must know, cheaply and exactly, when a table it read has
changed. ``data_versions`` holds one counter per tracked table; a trigger raises it in the
writing transaction on every insert, update and delete (SQLite: a row trigger per operation;
PostgreSQL: one statement trigger, which also covers TRUNCATE). The ``@instance`` row is a
random number of this database, so two databases never share a version line.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRACKED = (
    "companies",
    "contacts",
    "deal_stage_changes",
    "deals",
    "exchange_rates",
    "orders",
    "pipelines",
    "settings",
    "stages",
    "tickets",
)
OPERATIONS = ("insert", "update", "delete")
PG_FUNCTION = "rapport_bump_data_version"


def upgrade() -> None:
    versions = op.create_table(
        "data_versions",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(
        versions,
        [{"name": "@instance", "version": secrets.randbits(62)}]
        + [{"name": t, "version": 0} for t in TRACKED],
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in TRACKED:
            for operation in OPERATIONS:
                op.execute(
                    f"CREATE TRIGGER data_version_{table}_{operation} AFTER {operation.upper()} "
                    f"ON {table} BEGIN UPDATE data_versions SET version = version + 1 "
                    f"WHERE name = '{table}'; END"
                )
        return
    op.execute(
        f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE data_versions SET version = version + 1 WHERE name = TG_TABLE_NAME; "
        "RETURN NULL; END $$"
    )
    for table in TRACKED:
        op.execute(
            f"CREATE TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TRACKED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS data_version_{table}_{operation}")
    else:
        for table in TRACKED:
            op.execute(f"DROP TRIGGER IF EXISTS data_version_{table} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    op.drop_table("data_versions")
