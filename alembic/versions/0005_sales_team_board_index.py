"""Sales team (users.manager_id, users.region) and the board's covering index on deals

Revision ID: 0005
Revises: 0004

SQLite: the columns are added with ALTER TABLE ... ADD COLUMN (its REFERENCES clause keeps
the foreign key). Batch mode would copy and drop the users table, and with foreign keys on,
dropping it would cascade to every table that points at users. For the same reason the SQLite
downgrade drops the indexes but leaves the two nullable columns (the upgrade then skips them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOARD_COLUMNS = [
    "pipeline_id",
    "stage_id",
    "currency",
    "owner_id",
    "expected_close",
    "closed_at",
    "exchange_rate",
    "value",
]


def _user_columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("users")}


def upgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index("ix_deals_board", BOARD_COLUMNS, unique=False)

    have = _user_columns()
    if op.get_bind().dialect.name == "sqlite":
        if "manager_id" not in have:
            op.execute("ALTER TABLE users ADD COLUMN manager_id INTEGER REFERENCES users (id)")
        if "region" not in have:
            op.execute("ALTER TABLE users ADD COLUMN region VARCHAR(60)")
    else:
        op.add_column("users", sa.Column("manager_id", sa.Integer(), nullable=True))
        op.add_column(
            "users",
            sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        )
        op.create_foreign_key(
            "fk_users_manager_id_users",
            "users",
            "users",
            ["manager_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(op.f("ix_users_manager_id"), "users", ["manager_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_manager_id"), table_name="users")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_users_manager_id_users", "users", type_="foreignkey")
        op.drop_column("users", "region")
        op.drop_column("users", "manager_id")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_board")
