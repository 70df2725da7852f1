"""A change counter per table, raised by triggers

Revision ID: 0011
Revises: 0010

Analytics keeps the large frames it reads (every ticket, every closed deal, every purchase)
in memory between requests and must know, cheaply and exactly, when a table it read has
changed. ``data_versions`` holds one counter per tracked table; a trigger raises it in the
writing transaction on every insert, update and delete (SQLite: a row trigger per operation;
PostgreSQL: one statement trigger, which also covers TRUNCATE). A counter may also follow one
column (``contacts.company_id``: raised by inserts, deletes and updates that set the column).
The ``@instance`` row is a random number of this database, so two databases never share a
version line.
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
# counters of one column: raised by inserts, deletes and updates that set the column (a
# customer's key reads only its contact's company; logging a call touches the contact too)
TRACKED_COLUMNS = (("contacts", "company_id"),)
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
        + [{"name": t, "version": 0} for t in TRACKED]
        + [{"name": f"{t}.{c}", "version": 0} for t, c in TRACKED_COLUMNS],
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in TRACKED:
            for operation in OPERATIONS:
                op.execute(_sqlite_trigger(f"{table}_{operation}", operation, table, table))
        for table, column in TRACKED_COLUMNS:
            name = f"{table}.{column}"
            for operation in ("insert", "delete", f"update of {column}"):
                trigger = f"{table}_{column}_{operation.split()[0]}"
                op.execute(_sqlite_trigger(trigger, operation, table, name))
        return
    op.execute(
        f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE data_versions SET version = version + 1 "
        "WHERE name = coalesce(TG_ARGV[0], TG_TABLE_NAME); RETURN NULL; END $$"
    )
    for table in TRACKED:
        op.execute(
            f"CREATE TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
        )
    for table, column in TRACKED_COLUMNS:
        op.execute(
            f"CREATE TRIGGER data_version_{table}_{column} AFTER INSERT OR UPDATE OF {column} "
            f"OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {PG_FUNCTION}('{table}.{column}')"
        )


def _sqlite_trigger(trigger: str, operation: str, table: str, name: str) -> str:
    return (
        f"CREATE TRIGGER data_version_{trigger} AFTER {operation.upper()} ON {table} "
        f"BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '{name}'; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TRACKED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS data_version_{table}_{operation}")
        for table, column in TRACKED_COLUMNS:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS data_version_{table}_{column}_{operation}")
    else:
        for table in TRACKED:
            op.execute(f"DROP TRIGGER IF EXISTS data_version_{table} ON {table}")
        for table, column in TRACKED_COLUMNS:
            op.execute(f"DROP TRIGGER IF EXISTS data_version_{table}_{column} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    op.drop_table("data_versions")
