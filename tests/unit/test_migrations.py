"""The alembic migrations: they build exactly the models' schema, idempotently, with the pragmas."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from crm_app.db import get_engine, migrate
from crm_app.services.dialect import is_search_table
from crm_app.settings import PROJECT_ROOT


@pytest.fixture
def fresh_url(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    yield url
    get_engine(url).dispose()


def _head() -> str:
    head = ScriptDirectory(str(PROJECT_ROOT / "alembic")).get_current_head()
    assert head is not None
    return head


def _schema(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return conn.execute(
            sa.text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        ).all()


def _version(url: str) -> list[str]:
    with get_engine(url).connect() as conn:
        return list(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def test_migrate_creates_every_table_and_stamps_the_head(fresh_url):
    migrate(fresh_url)

    all_tables = set(sa.inspect(get_engine(fresh_url)).get_table_names())
    tables = {t for t in all_tables if not is_search_table(t)}  # FTS5 index: no models
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert {"fts_contacts", "fts_companies"} <= all_tables
    assert len(SQLModel.metadata.tables) >= 25
    assert _version(fresh_url) == [_head()]


def test_migrating_twice_is_a_no_op(fresh_url):
    migrate(fresh_url)
    before = _schema(fresh_url)

    migrate(fresh_url)

    assert _schema(fresh_url) == before
    assert _version(fresh_url) == [_head()]


def test_migrate_keeps_existing_data(fresh_url):
    migrate(fresh_url)
    with get_engine(fresh_url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO tags (name, color, created_at) VALUES ('vip', 'red', '2026-01-01 00:00:00')"
            )
        )
    migrate(fresh_url)
    with get_engine(fresh_url).connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM tags")).scalars().all() == ["vip"]


def test_schema_matches_the_models(fresh_url):
    migrate(fresh_url)

    with get_engine(fresh_url).connect() as conn:
        # the search index's FTS5 tables are made by hand, as in alembic/env.py
        skip_fts = {
            "include_name": lambda name, type_, _p: type_ != "table" or not is_search_table(name)
        }
        context = MigrationContext.configure(conn, opts={"compare_type": True, **skip_fts})
        diff = compare_metadata(context, SQLModel.metadata)
        # the comparison really looks at the database: against empty metadata it sees tables
        against_nothing = compare_metadata(context, sa.MetaData())

    assert diff == []
    removed = {d[1].name for d in against_nothing if d[0] == "remove_table"}
    assert removed == set(SQLModel.metadata.tables)


def test_indexes_and_unique_constraints_exist(fresh_url):
    migrate(fresh_url)
    insp = sa.inspect(get_engine(fresh_url))
    for name, table in SQLModel.metadata.tables.items():
        expected = {ix.name for ix in table.indexes}
        assert expected <= {ix["name"] for ix in insp.get_indexes(name)}, name
    assert insp.get_pk_constraint("contact_tags")["constrained_columns"] == ["contact_id", "tag_id"]


def test_sqlite_connections_use_foreign_keys_and_wal(fresh_url):
    migrate(fresh_url)
    with get_engine(fresh_url).connect() as conn:
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 5000


def test_foreign_keys_are_enforced(fresh_url):
    migrate(fresh_url)
    with pytest.raises(IntegrityError), get_engine(fresh_url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO stages (pipeline_id, name, position, probability, is_won, is_lost, archived) VALUES (999, 'x', 0, 0, 0, 0, 0)"
            )
        )


def test_deleting_a_contact_cascades_to_its_emails(fresh_url):
    migrate(fresh_url)
    with get_engine(fresh_url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO contacts (id, first_name, last_name, lifecycle_stage, preferences,"
                " consent_email, do_not_call, custom_fields, created_at, updated_at)"
                " VALUES (1, 'A', 'B', 'lead', '{}', 0, 0, '{}', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO contact_emails (contact_id, email, label, is_primary)"
                " VALUES (1, 'a@example.com', 'work', 1)"
            )
        )
        conn.execute(sa.text("DELETE FROM contacts"))
        assert conn.execute(sa.text("SELECT count(*) FROM contact_emails")).scalar() == 0


def test_the_test_fixture_database_is_migrated_too(db_url):
    assert _version(db_url) == [_head()]
    assert "audit_entries" in sa.inspect(get_engine(db_url)).get_table_names()
