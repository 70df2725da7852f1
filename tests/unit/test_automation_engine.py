"""Automation engine: conditions, loop prevention, failures, round-robin fairness, the
webhook action against a real HTTP server on loopback, and the rule builder's validation."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from crm_app.models import ContactTag, Deal, Job, Tag
from crm_app.services import automation, deals, jobs, segments, users
from crm_app.services.automation import conditions, triggers
from crm_app.services.deals import DealInput
from crm_app.services.errors import ValidationError
from crm_app.services.tickets.editing import TicketInput, create_ticket

from .automation_fixtures import (
    People,
    detail,
    make_people,
    make_stages,
    new_contact,
    plain,
    rule,
    runs,
)

TAG_NEW = [{"kind": "add_tag", "tag": "new"}]


@pytest.fixture
def people(session) -> People:
    return make_people(session)


@pytest.fixture
def stages(session, people) -> dict:
    return make_stages(session, people)


def _tags(session, contact_id: int) -> list[str]:
    q = sa.select(Tag.name).join(ContactTag).where(ContactTag.contact_id == contact_id)
    return sorted(session.execute(q).scalars())


# --- conditions ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("actual", "op", "expected", "result"),
    [
        ("Customer", "eq", "customer", True),
        ("lead", "ne", "customer", True),
        ("Coffee Roasters", "contains", "roast", True),
        (1500.0, "gt", "1000", True),
        (1500.0, "lt", "1000", False),
        ("abc", "gt", "1", False),  # not a number: never more or less
        (None, "empty", "", True),
        ("", "not_empty", "", False),
        (True, "eq", "true", True),
        (3, "eq", "3", True),
    ],
)
def test_field_comparisons(actual, op, expected, result):
    assert conditions.compare(actual, op, expected) is result


def test_field_tag_and_segment_conditions_all_must_hold(session, people):
    seg = segments.create_segment(
        session,
        name="Estonia",
        entity="contact",
        filters={"countries": ["EE"]},
        owner_id=people.admin.id,
        shared=True,
    )
    session.commit()
    rid = rule(
        session,
        triggers.CONTACT_CREATED,
        [{"kind": "add_tag", "tag": "welcome"}],
        conditions=[
            {"kind": "field", "field": "lifecycle_stage", "op": "eq", "value": "customer"},
            {"kind": "tag", "op": "has", "value": "vip"},
            {"kind": "tag", "op": "not", "value": "Blocked"},
            {"kind": "segment", "op": "in", "value": str(seg.id)},
        ],
    )
    yes = new_contact(session, "Yes", lifecycle_stage="customer", tags=["VIP"], country="EE")
    wrong_stage = new_contact(session, "Lead", tags=["VIP"], country="EE")
    blocked = new_contact(
        session, "Blocked", lifecycle_stage="customer", tags=["VIP", "blocked"], country="EE"
    )
    abroad = new_contact(session, "Abroad", lifecycle_stage="customer", tags=["VIP"], country="LV")
    assert "welcome" in _tags(session, yes.id)
    for other in (wrong_stage, blocked, abroad):
        assert "welcome" not in _tags(session, other.id)
    outcomes = {r.record_id: (r.outcome, detail(r)) for r in runs(session, rid)}
    assert outcomes[yes.id][0] == "ok"
    assert outcomes[abroad.id] == ("skipped", "Conditions not met.")


def test_a_deal_rule_reads_tags_of_the_deals_contact(session, people, stages):
    rid = rule(
        session,
        triggers.DEAL_STAGE_CHANGED,
        [{"kind": "notify", "user": str(people.manager.id), "message": "VIP deal"}],
        conditions=[
            {"kind": "tag", "op": "has", "value": "VIP"},
            {"kind": "field", "field": "value", "op": "gt", "value": "100"},
        ],
    )
    vip = new_contact(session, "Vip", tags=["VIP"])
    deals.create_deal(
        session,
        DealInput(title="Big", stage_id=stages["New"].id, contact_id=vip.id, value=500),
        actor_id=None,
    )
    deals.create_deal(
        session, DealInput(title="Anon", stage_id=stages["New"].id, value=500), actor_id=None
    )
    session.commit()
    assert [r.outcome for r in runs(session, rid)] == ["ok", "skipped"]


# --- loops and failures --------------------------------------------------------------------------
def test_a_rule_never_triggers_itself(session, people, stages):
    """Stage changed → move the deal to Won: its own move is a stage change too."""
    mover = rule(
        session,
        triggers.DEAL_STAGE_CHANGED,
        [{"kind": "update_field", "field": "stage_id", "value": str(stages["Won"].id)}],
        config={"stage_id": None},
        name="Move to Won",
    )
    won = rule(session, triggers.DEAL_CLOSED, [{"kind": "add_tag", "tag": "customer"}])
    contact = new_contact(session)
    deal = deals.create_deal(
        session,
        DealInput(title="Loop", stage_id=stages["New"].id, contact_id=contact.id),
        actor_id=None,
    )
    session.commit()
    assert session.get(Deal, deal.id).stage_id == stages["Won"].id
    mine = runs(session, mover)
    assert [r.outcome for r in mine] == ["ok", "skipped"]
    # The chain names the rules (user text, the same in every language), not "rule 3".
    assert detail(mine[1]) == "Not run: this event was caused by the rule itself (“Move to Won”)."
    assert mine[1].depth == 1
    [closed] = runs(session, won)  # another rule may follow the first one's write
    assert closed.outcome == "ok" and closed.depth == 1
    assert _tags(session, contact.id) == ["customer"]


def test_two_rules_cannot_ping_pong(session, people, stages):
    new, proposal = stages["New"], stages["Proposal"]
    a = rule(
        session,
        triggers.DEAL_STAGE_CHANGED,
        [{"kind": "update_field", "field": "stage_id", "value": str(proposal.id)}],
        config={"stage_id": new.id},
        name="To proposal",
    )
    b = rule(
        session,
        triggers.DEAL_STAGE_CHANGED,
        [{"kind": "update_field", "field": "stage_id", "value": str(new.id)}],
        config={"stage_id": proposal.id},
        name="Back to new",
    )
    deal = deals.create_deal(session, DealInput(title="Ping", stage_id=new.id), actor_id=None)
    session.commit()
    assert [r.outcome for r in runs(session, a)] == ["ok", "skipped"]
    assert [r.outcome for r in runs(session, b)] == ["ok"]
    skipped = runs(session, a)[1]
    chain = "(“To proposal” → “Back to new”)"
    assert detail(skipped).endswith(chain + ".")
    assert "rule" not in plain(automation.runs.render(skipped.detail, "et")).split("(")[1]
    assert session.get(Deal, deal.id).stage_id == new.id  # A → Proposal, B → New, A stops


def test_a_failing_rule_is_logged_and_rolls_back_only_its_own_writes(session, people):
    # no SMTP server is configured: the e-mail action fails after the tag was added
    failing = rule(
        session,
        triggers.CONTACT_CREATED,
        [
            {"kind": "add_tag", "tag": "half-done"},
            {"kind": "send_email", "subject": "Hi", "body": "Hello {{first_name}}"},
        ],
    )
    fine = rule(session, triggers.CONTACT_CREATED, TAG_NEW)
    contact = new_contact(session, emails=[("mari@example.com", "work")], consent_email=True)
    [bad] = runs(session, failing)
    assert bad.outcome == "failed"
    assert detail(bad).startswith("Send a template e-mail failed: ")
    assert detail(bad).endswith("Everything the rule had done in this run was undone.")
    assert _tags(session, contact.id) == ["new"]  # the contact and the other rule committed
    assert len(runs(session, fine)) == 1


def test_an_email_is_not_sent_without_consent(session, people):
    rid = rule(
        session,
        triggers.CONTACT_CREATED,
        [{"kind": "send_email", "subject": "Hi", "body": "Hello"}],
    )
    new_contact(session, emails=[("mari@example.com", "work")])
    [run] = runs(session, rid)
    assert run.outcome == "skipped"
    assert detail(run) == "Send a template e-mail: not done, No e-mail consent"


# --- round-robin ---------------------------------------------------------------------------------
def test_round_robin_is_fair_and_follows_who_is_active(session, people):
    rule(session, triggers.CONTACT_CREATED, [{"kind": "assign_owner", "role": "sales"}])
    made = [new_contact(session, f"C{i}") for i in range(9)]
    owners = Counter(session.get(type(c), c.id).owner_id for c in made)
    assert owners == Counter({u.id: 3 for u in people.sales})
    users.set_active(session, people.sales[1].id, False, actor_id=people.admin.id)
    session.commit()
    more = [new_contact(session, f"D{i}") for i in range(4)]
    owners = Counter(session.get(type(c), c.id).owner_id for c in more)
    assert owners == Counter({people.sales[0].id: 2, people.sales[2].id: 2})


def test_round_robin_by_region(session, people):
    rule(
        session,
        triggers.CONTACT_CREATED,
        [{"kind": "assign_owner", "role": "sales", "region": "east"}],
    )
    made = [new_contact(session, f"C{i}") for i in range(4)]
    owners = [session.get(type(c), c.id).owner_id for c in made]
    east = [people.sales[0].id, people.sales[1].id]
    assert owners == east + east


# --- webhook --------------------------------------------------------------------------------------
class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def hook_server(monkeypatch):
    monkeypatch.setenv("RAPPORT_WEBHOOK_ALLOW_PRIVATE", "1")  # the server is on loopback
    _Hook.received, _Hook.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_webhook_posts_the_event_as_json_from_the_job_runner(session, db_url, people, hook_server):
    rid = rule(
        session,
        triggers.TICKET_CREATED,
        [{"kind": "webhook", "url": hook_server, "body": '{"channel": "#support"}'}],
    )
    ticket = create_ticket(
        session, TicketInput(subject="Grinder", email="a@example.com"), actor_id=None
    )
    session.commit()
    assert _Hook.received == []  # nothing is posted inside the request
    report = jobs.run_due(url=db_url, kinds=["automation_webhook"])
    assert len(report.done) == 1
    [body] = _Hook.received
    assert body["trigger"] == "ticket_created" and body["record_id"] == ticket.id
    assert body["record"]["subject"] == "Grinder" and body["channel"] == "#support"
    session.expire_all()
    [run] = runs(session, rid)
    assert run.outcome == "ok" and "Webhook delivered (HTTP 200)." in detail(run)


def test_a_failing_webhook_is_retried_later(session, db_url, people, hook_server):
    _Hook.status = 503
    rid = rule(session, triggers.CONTACT_CREATED, [{"kind": "webhook", "url": hook_server}])
    new_contact(session)
    report = jobs.run_due(url=db_url, kinds=["automation_webhook"])
    assert len(report.retrying) == 1
    session.expire_all()
    job = session.execute(sa.select(Job).where(Job.kind == "automation_webhook")).scalar_one()
    assert job.status == "pending" and job.last_error == "HTTP 503"
    assert "Webhook attempt 1 failed: HTTP 503" in detail(runs(session, rid)[0])


# --- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("trigger", "config", "conds", "acts", "field"),
    [
        ("nope", None, [], TAG_NEW, "trigger"),
        (triggers.NO_CONTACT, {"days": "0"}, [], TAG_NEW, "trigger"),
        (
            triggers.CONTACT_CREATED,
            None,
            [{"kind": "field", "field": "password_hash"}],
            TAG_NEW,
            "conditions",
        ),
        (
            triggers.CONTACT_CREATED,
            None,
            [{"kind": "segment", "op": "in", "value": "x"}],
            TAG_NEW,
            "conditions",
        ),
        (triggers.CONTACT_CREATED, None, [], [], "actions"),
        (
            triggers.CONTACT_CREATED,
            None,
            [],
            [{"kind": "webhook", "url": "file:///etc/passwd"}],
            "actions",
        ),
        (
            triggers.CONTACT_CREATED,
            None,
            [],
            [{"kind": "webhook", "url": "http://x", "body": "[1]"}],
            "actions",
        ),
        (
            triggers.CONTACT_CREATED,
            None,
            [],
            [{"kind": "update_field", "field": "owner_id", "value": "1"}],
            "actions",
        ),
        (
            triggers.CONTACT_CREATED,
            None,
            [],
            [{"kind": "assign_owner", "role": "read_only"}],
            "actions",
        ),
        (
            triggers.CONTACT_CREATED,
            None,
            [],
            [{"kind": "create_task", "title": "x", "due_days": "-1"}],
            "actions",
        ),
    ],
)
def test_the_builder_refuses_bad_rules(session, trigger, config, conds, acts, field):
    with pytest.raises(ValidationError) as err:
        automation.create_rule(
            session,
            name="Bad",
            trigger=trigger,
            trigger_config=config,
            conditions_=conds,
            actions_=acts,
            actor_id=None,
        )
    assert field in err.value.errors


def test_rules_list_with_their_last_run_and_log(session, people):
    rid = rule(session, triggers.CONTACT_CREATED, TAG_NEW, name="Tag new contacts")
    other = rule(session, triggers.TICKET_CREATED, TAG_NEW, name="Quiet one")
    new_contact(session)
    rows = {r.id: r for r in automation.list_rules(session)}
    assert rows[rid].runs == 1 and rows[rid].last_outcome == "ok"
    assert rows[other].runs == 0 and rows[other].last_run_at is None
    [entry] = automation.run_log(session, rid)
    assert entry.outcome == "ok" and plain(entry.detail) == "Tag “new” added."
    automation.delete_rule(session, rid, actor_id=people.admin.id)
    session.commit()
    assert [r.id for r in automation.list_rules(session)] == [other]


def test_writes_of_rules_are_audited_without_an_actor(session, people):
    from crm_app.models import AuditEntry

    rule(session, triggers.CONTACT_CREATED, TAG_NEW)
    contact = new_contact(session)
    entry = session.execute(
        sa.select(AuditEntry).where(AuditEntry.entity == "contact_tags")
    ).scalar_one()
    assert entry.user_id is None and entry.changes["contact_id"] == contact.id
