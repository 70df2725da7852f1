"""Tickets from imported rows: which ticket each row is, its customer, what would change, and
the audited writes (issue 8).

Rules:
- A row with an ID from the other system (a ticket-id column) matches the ticket with that
  external id; rows of the file sharing an ID are one ticket, later non-blank cells winning. A
  row without an ID matches the ticket an earlier, not undone import created from the same
  row (its row key). So importing the same file again changes nothing.
- Status, priority and channel are matched by synonyms (``ticket_values``). A value that
  matches nothing gives a new ticket the field's default (status new, priority normal, channel
  e-mail) and leaves a stored ticket's value as it is; either way the substitution
  (row, field, value, used) is listed in the summary. A row without a status is "solved" when
  it has a resolved time, else "new".
- The customer is the contact with the row's e-mail address (any of the contact's addresses,
  in any case); else, with no address, the contact with the row's full name; else a contact
  the import creates from the name and address. A row with neither is imported without a
  customer. Found contacts are only linked, never changed.
- The company is the company column's by name (any case), else created once; without a
  company column, a found contact's company.
- An assignee is a user by e-mail address or name; one that is not a user here is left out
  with a warning (the ticket is unassigned), as is a satisfaction score outside 1–5.
- A new ticket needs a subject: without one, the first line of its description; with
  neither, the row is rejected. Without a created time it was created at its earliest known
  time (first response, resolution), else now.
- New tickets get their SLA due times from ``tickets.sla.compute_due``; one answered or
  resolved after a due time is marked breached, with its breach recorded. A ticket that comes
  solved or closed without a resolved time gets no due times (nothing to measure). Updated
  tickets keep their due times.
- A stored ticket is updated with the row's non-blank cells that differ; nothing to change →
  "unchanged", and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Ticket, TicketSlaEvent, TicketStatus, utcnow

from .. import writes
from ..i18n import N_
from ..tickets import sla
from . import ticket_values
from .bulk import insert_rows
from .external_ids import Item, StoredRecords, merge_by_external_id
from .merging import CREATE, UNCHANGED, UPDATE, Change, Plan, chunks, differs, jsonable
from .people_links import PeopleLinks
from .rows import Rejection, RowValues

ENTITY = "ticket"
NOTE = "import"
NEED_SUBJECT = N_("Enter a subject (or a description).")
NO_CUSTOM_FIELDS = N_("Tickets have no custom fields. Map the column to a field or skip it.")

# Columns a stored ticket keeps for undo (everything an import can change).
SNAPSHOT = ("subject", "description", "status", "priority", "channel", "category",
            "assignee_id", "contact_id", "company_id", "created_at", "updated_at",
            "first_response_at", "resolved_at", "csat_score", "csat_comment", "csat_at")  # fmt: skip
_PLAIN = ("subject", "description", "category", "created_at", "first_response_at",
          "resolved_at", "csat_score", "csat_comment", "external_id")  # fmt: skip
_CLOSED = (TicketStatus.SOLVED.value, TicketStatus.CLOSED.value)


@dataclass
class Substitution:
    """A status, priority or channel cell that matched nothing, and the value used instead."""

    row: int
    field: str
    value: str
    used: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "value": self.value, "used": self.used}


@dataclass
class TicketDecision:
    action: str
    item: Item
    ticket: Ticket | None = None  # the stored ticket (kept: the session holds it weakly)
    record_id: int | None = None
    columns: dict[str, Any] = field(default_factory=dict)  # a new ticket's columns
    changes: dict[str, Any] = field(default_factory=dict)  # a stored ticket's changed columns
    before: dict[str, Any] = field(default_factory=dict)


@dataclass
class TicketPlan(Plan):
    new_contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → values
    substitutions: list[Substitution] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """What a tickets import adds to the result: contacts it creates, substitutions."""
        return {
            "contacts_created": len(self.new_contacts),
            "substitutions": [s.as_dict() for s in self.substitutions],
        }


def _row_of(item: Item, name: str) -> int:
    """The row whose cell gave ``name`` its value (the last one naming it)."""
    return next((r.row for r in reversed(item.rows) if name in r.values), item.rows[0].row)


def _choices(item: Item, ticket: Ticket | None, out: TicketPlan) -> dict[str, str]:
    """Status, priority and channel by synonym; unknown words substituted (and listed)."""
    v = item.values
    chosen: dict[str, str] = {}
    for name in ticket_values.FIELDS:
        raw = v.get(name)
        if not raw:
            continue
        code = ticket_values.match(name, raw)
        if code is None:
            kept = getattr(ticket, name) if ticket is not None else None
            code = kept or ticket_values.DEFAULTS[name]
            out.substitutions.append(Substitution(_row_of(item, name), name, str(raw), code))
            if ticket is not None:
                continue  # a stored ticket keeps its value
        chosen[name] = code
    if ticket is None and "status" not in chosen:
        chosen["status"] = TicketStatus.SOLVED.value if v.get("resolved_at") else "new"
    return chosen


def _customer(item: Item) -> tuple[str, str | None]:
    v = item.values
    emails = v.get("contact_email") or []
    return str(v.get("contact_name") or ""), (emails[0] if emails else None)


def _subject(item: Item) -> str | None:
    v = item.values
    if v.get("subject"):
        return v["subject"]
    lines = [line.strip() for line in str(v.get("description") or "").split("\n")]
    first = next((line for line in lines if line), "")
    return " ".join(first.split())[:200] or None


def plan(session: Session, rows: list[RowValues]) -> TicketPlan:
    """What importing ``rows`` would do to tickets (see the module rules); writes nothing."""
    out = TicketPlan()
    items = merge_by_external_id(rows)
    out.merged = len(rows) - len(items)
    stored = StoredRecords(session, Ticket, ENTITY, items)
    ready: list[tuple[Item, Ticket | None]] = []
    for item in items:
        ticket = stored.match(item)
        if ticket is None and not _subject(item):
            out.rejected += [Rejection(r.row, "subject", NEED_SUBJECT, r.cells) for r in item.rows]
            continue
        ready.append((item, ticket))
    people = PeopleLinks(session, [(i.values.get("company"), *_customer(i)) for i, _ in ready])
    companies = people.contacts.stored_companies(session)
    now = utcnow()
    links_of = [people.resolve(item.values.get("company"), *_customer(item)) for item, _ in ready]
    for (item, ticket), (company, contact) in zip(ready, links_of, strict=True):
        v = item.values
        if company is None and isinstance(contact, int):
            company = companies.get(contact)
        elif company is None and isinstance(contact, str):  # all rows resolved: its company
            company = people.contacts.new[contact.removeprefix("new:")].get("company")
        columns = {k: v[k] for k in _PLAIN if v.get(k) not in (None, "")}
        columns.update(_choices(item, ticket, out))
        if v.get("assignee") is not None:
            columns["assignee_id"] = v["assignee"]
        if contact is not None:
            columns["contact_id"] = contact
        if company is not None:
            columns["company_id"] = company
        if ticket is None:
            out.decisions.append(_create(item, columns, now))
        else:
            out.decisions.append(_update(item, ticket, columns))
    out.new_contacts, out.new_companies = people.new_records(
        [d.columns.get("contact_id") or d.changes.get("contact_id") for d in out.decisions],
        [d.columns.get("company_id") or d.changes.get("company_id") for d in out.decisions],
    )
    out.links = people
    out.rejected.sort(key=lambda r: r.row)
    out.substitutions.sort(key=lambda s: (s.row, ticket_values.FIELDS.index(s.field)))
    return out


def _create(item: Item, columns: dict[str, Any], now: datetime) -> TicketDecision:
    columns["subject"] = _subject(item)
    known = [columns.get(k) for k in ("first_response_at", "resolved_at") if columns.get(k)]
    columns.setdefault("created_at", min(known) if known else now)
    columns.setdefault("priority", ticket_values.DEFAULTS["priority"])
    columns.setdefault("channel", ticket_values.DEFAULTS["channel"])
    moments = [
        columns[k] for k in ("created_at", *("first_response_at", "resolved_at")) if columns.get(k)
    ]
    columns["updated_at"] = max(moments)
    if columns.get("csat_score") is not None:
        columns["csat_at"] = columns.get("resolved_at") or columns["updated_at"]
    return TicketDecision(CREATE, item, columns=columns)


def _update(item: Item, ticket: Ticket, columns: dict[str, Any]) -> TicketDecision:
    columns.pop("external_id", None)  # matched by it (or by row key: then it has none)
    if columns.get("csat_score") is not None and ticket.csat_at is None:
        columns["csat_at"] = columns.get("resolved_at") or ticket.resolved_at or utcnow()
    changes = {k: v for k, v in columns.items() if differs(getattr(ticket, k), v)}
    if changes.get("csat_score") is None:
        changes.pop("csat_at", None)  # only a new score dates the rating
    action = UPDATE if changes else UNCHANGED
    return TicketDecision(action, item, ticket=ticket, record_id=ticket.id, changes=changes)


# -- the writes ---------------------------------------------------------------------------------
def apply(session: Session, out: TicketPlan, *, actor_id: int | None) -> list[Change]:
    """Write the plan: new companies and contacts, new tickets (with SLA due times), then the
    updates; the changes a batch keeps for undo."""
    people: PeopleLinks = out.links
    made = people.create(session, out.new_companies, out.new_contacts, actor_id=actor_id)
    changes = made.changes

    def resolved(values: dict[str, Any]) -> None:
        if isinstance(values.get("company_id"), str):
            values["company_id"] = made.company_id(values["company_id"])
        if isinstance(values.get("contact_id"), str):
            values["contact_id"] = made.contact_id(values["contact_id"])

    creating = [d for d in out.decisions if d.action == CREATE]
    for d in creating:
        resolved(d.columns)
    late = _add_due_times(session, [d.columns for d in creating])
    ids = insert_rows(session, Ticket, [d.columns for d in creating], actor_id=actor_id, note=NOTE)
    for event in late:
        event["ticket_id"] = ids[event.pop("index")]
    for part in chunks(late, 5000):
        writes.bulk_insert(session, TicketSlaEvent, part, actor_id=actor_id, note=NOTE)
    changes += [
        Change(ENTITY, tid, "created", row_key=d.item.key)
        for d, tid in zip(creating, ids, strict=True)
    ]
    for d in out.decisions:
        if d.action != UPDATE or d.ticket is None:
            continue
        resolved(d.changes)
        d.before = {"fields": {k: jsonable(getattr(d.ticket, k)) for k in SNAPSHOT}}
        d.changes["updated_at"] = utcnow()
        writes.update(session, d.ticket, d.changes, actor_id=actor_id)
        changes.append(Change(ENTITY, int(d.record_id or 0), "updated", d.item.key, d.before))
    return changes


def _add_due_times(session: Session, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give new tickets their first-response and resolution due times, and mark the ones
    answered or resolved after them breached (solving before any reply ends the
    first-response clock too, as the SLA service counts). Returns the breach events to
    record, by index in ``new``."""
    if not new:
        return []
    calendar, table = sla.load_calendar(session), sla.policies(session)
    cache: dict[tuple[str, datetime], tuple[datetime | None, datetime | None]] = {}
    events: list[dict[str, Any]] = []
    for index, columns in enumerate(new):
        if columns["status"] in _CLOSED and not columns.get("resolved_at"):
            continue  # closed elsewhere at a time the file does not say: nothing to measure
        key = (columns["priority"], columns["created_at"])
        if key not in cache:
            cache[key] = sla.compute_due(
                session, priority=key[0], created_at=key[1], calendar=calendar, policy_table=table
            )
        first_due, resolution_due = cache[key]
        columns["first_response_due_at"] = first_due
        columns["resolution_due_at"] = resolution_due
        answered = columns.get("first_response_at") or columns.get("resolved_at")
        for target, due, done in (
            (sla.FIRST_RESPONSE, first_due, answered),
            (sla.RESOLUTION, resolution_due, columns.get("resolved_at")),
        ):
            if due is not None and done is not None and sla.aware(done) > sla.aware(due):
                columns["sla_breached"] = True
                events.append({"index": index, "target": target, "kind": sla.BREACH,
                               "due_at": due, "at": done})  # fmt: skip
    return events


def remove_tickets(session: Session, ids: list[int], batch_id: int, *, actor_id: int | None) -> int:
    """Delete the tickets an import created, in bulk as they came: one statement and one audit
    entry (naming every id) per slice. Their comments go with them (ON DELETE CASCADE);
    a row elsewhere that refers to one of them (an activity, a task, a ticket merged into it)
    lets go of it."""
    removed = 0
    note = f"undo import {batch_id}"
    table = Ticket.__table__  # type: ignore[attr-defined]
    for part in chunks(sorted(set(ids))):
        for other in Ticket.metadata.tables.values():
            for fk in other.foreign_keys:
                column = fk.parent
                if fk.column.table is not table or fk.ondelete or not column.nullable:
                    continue  # cascades (comments) go with the ticket
                q = sa.update(other).where(column.in_(part)).values({column.name: None})
                session.execute(q)
        count = session.execute(sa.delete(table).where(table.c.id.in_(part))).rowcount
        writes.audit(session, actor_id=actor_id, entity=table.name, entity_id=None,
                     action="bulk_delete", changes={"ids": part, "note": note})  # fmt: skip
        removed += int(count or 0)
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Ticket) and obj.id in part:
                session.expunge(obj)
    return removed
