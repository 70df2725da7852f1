"""The webhook action calls only public web addresses unless the installation allows local
ones (RAPPORT_WEBHOOK_ALLOW_PRIVATE=1): refused when the rule is saved, and again when the
job sends, after resolving the name; redirects are not followed. Names are resolved by a
stand-in for url_guard.resolve (no real network); the send goes to a real server on loopback.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from crm_app.models import Job
from crm_app.services import automation, jobs
from crm_app.services.automation import triggers, url_guard
from crm_app.services.errors import ValidationError

from .automation_fixtures import detail, make_people, new_contact, rule, runs

PUBLIC_IP = "93.184.215.14"
NAMES = {"localhost": ["127.0.0.1", "::1"], "hooks.example.com": [PUBLIC_IP]}


@pytest.fixture
def dns(monkeypatch):
    """Names resolve from NAMES (IP literals to themselves); no real lookups."""
    monkeypatch.delenv(url_guard.ENV, raising=False)
    table = dict(NAMES)

    def resolve(host: str, port: int) -> list[str]:
        if host in table:
            return table[host]
        try:
            url_guard.ipaddress.ip_address(host)
        except ValueError:
            raise OSError(f"{host}: name does not resolve") from None
        return [host]

    monkeypatch.setattr(url_guard, "resolve", resolve)
    return table


def _save(session, url: str) -> None:
    automation.create_rule(
        session,
        name="Hook",
        trigger=triggers.CONTACT_CREATED,
        trigger_config=None,
        conditions_=(),
        actions_=[{"kind": "webhook", "url": url}],
        actor_id=None,
    )


LOCAL = [
    "http://127.0.0.1/",
    "http://169.254.169.254/latest",
    "http://10.0.0.5/",
    "http://localhost:8080/hook",
    "http://0.0.0.0/",
    "http://172.16.4.2/",
    "https://192.168.1.10/x",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://[fd00::5]/",
    "http://[::ffff:127.0.0.1]/",
]


@pytest.mark.parametrize("url", LOCAL)
def test_a_local_or_private_address_is_refused_by_default(session, dns, url):
    with pytest.raises(ValidationError) as err:
        _save(session, url)
    assert err.value.errors["actions"] == url_guard.NOT_PUBLIC


@pytest.mark.parametrize("url", LOCAL)
def test_the_installation_may_allow_local_addresses(session, dns, monkeypatch, url):
    monkeypatch.setenv(url_guard.ENV, "1")
    _save(session, url)


@pytest.mark.parametrize(
    "url", [f"https://{PUBLIC_IP}/hook", "https://hooks.example.com/x?a=1", "http://nowhere.test/"]
)
def test_a_public_address_passes(session, dns, url):
    _save(session, url)  # a name that does not resolve yet is checked again when sent


def test_a_name_resolving_to_a_private_address_is_refused(session, dns):
    dns["intranet.example.com"] = [PUBLIC_IP, "10.1.2.3"]  # one private answer is enough
    with pytest.raises(ValidationError):
        _save(session, "https://intranet.example.com/")


def test_public_addresses_are_told_apart():
    assert url_guard.is_public(PUBLIC_IP) and url_guard.is_public("2606:4700::1111")
    for ip in ("127.0.0.1", "169.254.169.254", "10.0.0.5", "0.0.0.0", "::1", "fe80::1", "x"):
        assert not url_guard.is_public(ip)


# --- when the job sends -----------------------------------------------------------------------
class _Hook(BaseHTTPRequestHandler):
    hosts: list[str] = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).hosts.append(self.headers.get("Host", ""))
        self.send_response(type(self).status)
        if type(self).status == 302:
            self.send_header("Location", "http://169.254.169.254/latest")
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def server():
    _Hook.hosts, _Hook.status = [], 200
    srv = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_port
    srv.shutdown()
    srv.server_close()


def _job(session) -> Job:
    session.expire_all()
    return session.execute(sa.select(Job).where(Job.kind == "automation_webhook")).scalar_one()


def test_a_name_that_resolves_to_loopback_when_sent_is_refused(session, db_url, dns, server):
    make_people(session)
    rid = rule(session, triggers.CONTACT_CREATED, [_hook_action(server)])  # public when saved
    dns["hooks.example.com"] = ["127.0.0.1"]  # ... and loopback when sent
    new_contact(session)
    report = jobs.run_due(url=db_url, kinds=["automation_webhook"])
    assert len(report.failed) == 1 and _Hook.hosts == []  # refused at once, not retried
    assert _job(session).status == "failed"
    assert "not a public address" in detail(runs(session, rid)[0])


def test_allowed_local_sends_go_to_the_checked_address(session, db_url, dns, server, monkeypatch):
    make_people(session)
    rule(session, triggers.CONTACT_CREATED, [_hook_action(server)])
    dns["hooks.example.com"] = ["127.0.0.1"]
    monkeypatch.setenv(url_guard.ENV, "1")
    new_contact(session)
    report = jobs.run_due(url=db_url, kinds=["automation_webhook"])
    assert len(report.done) == 1
    assert _Hook.hosts == [f"hooks.example.com:{server}"]  # the name is kept in the Host header


def test_redirects_are_not_followed(session, db_url, dns, server, monkeypatch):
    make_people(session)
    monkeypatch.setenv(url_guard.ENV, "1")
    _Hook.status = 302
    rid = rule(session, triggers.CONTACT_CREATED, [_hook_action(server, "127.0.0.1")])
    new_contact(session)
    report = jobs.run_due(url=db_url, kinds=["automation_webhook"])
    assert len(report.failed) == 1 and len(_Hook.hosts) == 1
    assert "HTTP 302" in detail(runs(session, rid)[0])


def _hook_action(port: int, host: str = "hooks.example.com") -> dict:
    return {"kind": "webhook", "url": f"http://{host}:{port}/hook"}
