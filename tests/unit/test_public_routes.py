"""The public HTTP routes beside the Reflex app (no login): exactly which they are, and that
bad or forged tokens get a 404 with a plain message (never a 500) and clients are rate-limited.
The happy paths (a real campaign's links) are in test_campaigns_smtp.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.routing import Route
from starlette.testclient import TestClient

from crm_app.api import PUBLIC_ROUTES, SIGNED_IN_ROUTES, api
from crm_app.db import get_engine
from crm_app.models import CampaignEvent, CampaignLink, CampaignRecipient, Contact, Unsubscribe
from crm_app.services import campaigns, writes
from crm_app.services.campaigns import tracking

from .campaign_fixtures import build_world


@pytest.fixture
def client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    return TestClient(api, follow_redirects=False, raise_server_exceptions=False)


@pytest.fixture
def recipient(session: Session) -> tuple[str, int, int]:
    """(token, recipient id, link id) of a recipient of a campaign with one stored link."""
    world = build_world(session)
    cid = campaigns.create_campaign(
        session,
        name="Spring",
        template_id=world.template_id,
        segment_id=world.segment_id,
        throttle_per_minute=60,
        actor_id=None,
    ).id
    session.add(CampaignLink(campaign_id=cid, url="https://kestrel.example/a"))
    r = CampaignRecipient(campaign_id=cid, contact_id=world.contacts["anu"].id, email="a@x.ee")
    token = tracking.new_token()
    r.token_hash = tracking.hash_token(token)
    session.add(r)
    session.commit()
    link_id = session.execute(sa.select(CampaignLink.id)).scalar_one()
    return token, r.id, link_id


def test_the_registry_lists_exactly_the_public_routes() -> None:
    assert PUBLIC_ROUTES == {"/t/o/{token}.gif", "/t/c/{token}", "/u/{token}"}
    paths = {r.path for r in api.routes if isinstance(r, Route)}
    # Every route is either public (and tested here) or checks the session itself.
    assert paths == PUBLIC_ROUTES | SIGNED_IN_ROUTES
    assert not PUBLIC_ROUTES & SIGNED_IN_ROUTES


FORGED = [
    "",
    "x",
    "a" * 32,  # well-formed, unknown
    "../../etc/passwd",
    "%00%ff",
    "tok'; DROP TABLE campaigns;--" + "a" * 20,
    "a" * 5000,
]


@pytest.mark.parametrize("token", FORGED)
def test_bad_tokens_are_404_with_a_plain_message(client, token, session) -> None:
    for path in (f"/t/o/{token}.gif", f"/t/c/{token}", f"/t/c/{token}.1", f"/u/{token}"):
        got = client.get(path)
        assert got.status_code in (404, 405), path  # "" does not even match a route
        assert "Traceback" not in got.text
    assert client.post(f"/u/{token}").status_code in (404, 405)
    assert session.execute(sa.select(sa.func.count()).select_from(Unsubscribe)).scalar() == 0


def test_a_click_goes_only_to_the_recorded_address(client, recipient, session) -> None:
    token, _rid, link_id = recipient
    assert client.get(f"/t/c/{token}.{link_id}").headers["location"] == "https://kestrel.example/a"
    # Another link id, a foreign one, or a URL in the query string: no redirect at all.
    for path in (
        f"/t/c/{token}.{link_id + 1}",
        f"/t/c/{token}.abc",
        f"/t/c/{token}",
        f"/t/c/{token}.{link_id}x",
        f"/t/c/{token}.{link_id}?url=https://evil.example",
    ):
        got = client.get(path)
        if path.endswith("evil.example"):
            assert got.headers["location"] == "https://kestrel.example/a"
        else:
            assert got.status_code == 404 and "location" not in got.headers, path
    # The forged hash of a real token's hash is not a token either.
    assert client.get(f"/t/c/{tracking.hash_token(token)}.{link_id}").status_code == 404


def test_an_open_is_recorded_once(client, recipient, session) -> None:
    token, rid, _ = recipient
    for _ in range(3):
        assert client.get(f"/t/o/{token}.gif").status_code == 200
    kinds = (
        session.execute(sa.select(CampaignEvent.kind).where(CampaignEvent.recipient_id == rid))
        .scalars()
        .all()
    )
    assert kinds == ["opened"]


def test_get_never_unsubscribes_post_does_once(client, recipient, session) -> None:
    token, rid, _ = recipient
    assert client.get(f"/u/{token}").status_code == 200
    assert session.execute(sa.select(sa.func.count()).select_from(Unsubscribe)).scalar() == 0
    for _ in range(2):
        done = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200 and "a***@x.ee" in done.text
    assert session.execute(sa.select(Unsubscribe.email)).scalars().all() == ["a@x.ee"]
    kinds = (
        session.execute(sa.select(CampaignEvent.kind).where(CampaignEvent.recipient_id == rid))
        .scalars()
        .all()
    )
    assert kinds == ["unsubscribed"]


def test_the_unsubscribe_page_speaks_the_contacts_language(client, recipient, session) -> None:
    token, rid, _ = recipient
    contact = session.get(Contact, session.get(CampaignRecipient, rid).contact_id)
    writes.update(session, contact, {"preferences": {"language": "he"}}, actor_id=None)
    session.commit()
    page = client.get(f"/u/{token}")
    assert page.status_code == 200 and 'lang="he" dir="rtl"' in page.text


def test_tracking_is_rate_limited_per_client(client, recipient, session) -> None:
    token, _rid, link_id = recipient
    for _ in range(tracking.TRACK_LIMIT):
        assert client.get(f"/t/o/{'b' * 32}.gif").status_code == 404
    assert client.get(f"/t/o/{token}.gif").status_code == 429
    blocked = client.get(f"/t/c/{token}.{link_id}")
    assert blocked.status_code == 429 and "location" not in blocked.headers
    # Nothing was recorded while blocked.
    assert session.execute(sa.select(sa.func.count()).select_from(CampaignEvent)).scalar() == 0


def test_unsubscribing_is_rate_limited_per_client(client, recipient, session) -> None:
    token, _rid, _ = recipient
    for _ in range(tracking.UNSUBSCRIBE_LIMIT):
        assert client.get(f"/u/{'c' * 32}").status_code == 404
    assert client.post(f"/u/{token}").status_code == 429
    with Session(get_engine(str(session.get_bind().url))) as fresh:
        assert fresh.execute(sa.select(sa.func.count()).select_from(Unsubscribe)).scalar() == 0
