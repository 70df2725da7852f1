"""Shared fixtures: every test gets its own freshly migrated SQLite file (never data/)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

# Nothing a test does may reach the database `make run` serves.
os.environ.setdefault(
    "REFLEX_DB_URL",
    "sqlite:///" + str(Path(os.environ.get("TMPDIR", "/tmp")) / "rapport-tests-guard.db"),
)

from argon2 import PasswordHasher  # noqa: E402

from crm_app.db import get_engine, migrate  # noqa: E402
from crm_app.services import auth  # noqa: E402


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database file, copied for each test (migrating each time is slower)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    migrate(url)
    get_engine(url).dispose()
    return path


@pytest.fixture
def db_url(migrated_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "rapport.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters (same algorithm) for tests that hash many passwords."""
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", fast)
    monkeypatch.setattr(auth, "_DUMMY_HASH", fast.hash("not-a-real-password"))
