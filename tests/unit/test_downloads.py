"""Downloads (exports, rejected rows) reach only the signed-in user who asked for them."""

from __future__ import annotations

import os
import time

import pytest
from starlette.testclient import TestClient

from crm_app import settings
from crm_app.api import SESSION_COOKIE, api
from crm_app.db import session_scope
from crm_app.models import Role
from crm_app.services import auth, downloads, users

PASSWORD = "correct horse battery"


@pytest.fixture
def env(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    tokens = {}
    with session_scope() as session:
        for email in ("owner@example.com", "other@example.com"):
            users.create_user(
                session, name=email, email=email, role=Role.SALES, password=PASSWORD, actor_id=None
            )
    for email in ("owner@example.com", "other@example.com"):
        with session_scope() as session:
            token, user = auth.login(session, email, PASSWORD)
            tokens[email] = (token, user.id)
    return tokens


def _get(url: str, token: str | None):
    client = TestClient(api)
    if token is not None:
        client.cookies.set(SESSION_COOKIE, token)
    return client.get(url)


def _file_for(user_id: int, name: str = "contacts 2026/11.csv") -> downloads.Download:
    d = downloads.prepare(user_id, name)
    d.path.write_text("first name,email\nAnna,anna@example.com\n", encoding="utf-8")
    return d


def test_prepare_gives_an_unguessable_token_and_a_safe_name(env):
    _, owner_id = env["owner@example.com"]
    a, b = _file_for(owner_id), _file_for(owner_id)
    assert a.token != b.token and len(a.token) >= 40
    assert a.filename == "11.csv"  # no path parts survive
    assert a.path.parent == downloads.folder() and a.path.suffix == ".csv"
    assert a.url == f"/api/downloads/{a.token}"


def test_only_the_owner_downloads_and_only_while_fresh(env):
    owner_token, owner_id = env["owner@example.com"]
    other_token, _ = env["other@example.com"]
    d = _file_for(owner_id, "contacts.csv")

    r = _get(d.url, owner_token)
    assert r.status_code == 200
    assert "Anna,anna@example.com" in r.text
    assert 'filename="contacts.csv"' in r.headers["content-disposition"]
    assert r.headers["cache-control"] == "no-store"

    for token in (other_token, "forged", None):
        assert _get(d.url, token).status_code == 404

    # expired: the file is neither served nor kept
    old = time.time() - downloads.TTL_S - 5
    os.utime(d.path, (old, old))
    meta = d.path.with_suffix(".json")
    meta.write_text(meta.read_text().replace('"created": ', '"created": 1, "was": '))
    assert _get(d.url, owner_token).status_code == 404
    assert downloads.purge() >= 1 and not d.path.exists()


def test_malformed_tokens_are_refused(env):
    owner_token, owner_id = env["owner@example.com"]
    _file_for(owner_id)
    for token in ("..%2F..%2Fetc%2Fpasswd", "short", "x" * 200):
        assert _get(f"/api/downloads/{token}", owner_token).status_code == 404
    assert downloads.find("../../etc/passwd", owner_id) is None
