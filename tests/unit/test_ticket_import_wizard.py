"""The import wizard at /tickets/import: a support agent uploads, checks (the substitutions are
listed in the reader's words) and imports; a sales user, who may not write tickets, cannot."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlmodel import Session

from crm_app import settings
from crm_app.db import get_engine
from crm_app.models import Ticket
from crm_app.services import auth, users
from crm_app.state.importer import ImportState

from .state_calls import state_instance

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "import" / "tickets_sample.csv"
PASSWORD = "a-long-password-1"


@pytest.fixture
def tokens(db_url, monkeypatch, fast_hashing, tmp_path) -> dict[str, str]:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    out = {}
    with Session(get_engine(db_url)) as s:
        for role in ("support", "sales"):
            users.create_user(s, name=f"Ann {role}", email=f"{role}@example.com", role=role,
                              password=PASSWORD, actor_id=None)  # fmt: skip
            out[role], _ = auth.login(s, f"{role}@example.com", PASSWORD)
        s.commit()
    return out


def _wizard(token: str) -> ImportState:
    state = state_instance(ImportState)
    state.session_token = token
    ImportState.event_handlers["load_tickets"].fn(state)
    upload = rx.UploadFile(file=io.BytesIO(SAMPLE.read_bytes()), path=Path(SAMPLE.name))
    asyncio.run(ImportState.event_handlers["handle_upload"].fn(state, [upload]))
    return state


def _tickets(db_url: str) -> int:
    with Session(get_engine(db_url)) as s:
        return s.scalar(sa.select(sa.func.count()).select_from(Ticket)) or 0


def test_an_agent_checks_sees_the_substitutions_and_imports(tokens, db_url):
    state = _wizard(tokens["support"])
    assert (state.entity, state.step, state.row_count, state.can_import) == (
        "ticket",
        "map",
        5,
        True,
    )
    assert state.mapping["Ticket ID"] == "external_id"
    assert not state.can_create_fields  # tickets have no custom fields
    ImportState.event_handlers["dry_run"].fn(state)
    assert state.step == "checked" and state.result["created"] == 5
    assert state.substitutions == [
        {"row": "5", "field": "Status", "value": "Escalated to tier 3", "used": "New"},
        {"row": "5", "field": "Priority", "value": "Sev 1", "used": "Normal"},
        {"row": "5", "field": "Channel", "value": "Carrier pigeon", "used": "E-mail"},
    ]
    assert _tickets(db_url) == 0

    async def drain():
        async for _ in ImportState.event_handlers["run"].fn(state):
            pass

    asyncio.run(drain())
    assert state.step == "done" and _tickets(db_url) == 5
    assert state.last_batch["file"] == SAMPLE.name


def test_a_sales_user_may_not_import_tickets(tokens, db_url):
    state = _wizard(tokens["sales"])
    assert not state.can_import and state.step == "upload"
    ImportState.event_handlers["dry_run"].fn(state)
    assert _tickets(db_url) == 0
