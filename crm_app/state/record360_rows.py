"""Plain rows of text for the record page: services' data, formatted in the caller's language."""

from __future__ import annotations

from datetime import UTC, datetime

from crm_app.services import formatting, i18n
from crm_app.services.activities import OUTCOME_LABELS
from crm_app.services.customer360 import Summary
from crm_app.services.i18n import N_
from crm_app.services.related_records import Profile, Related
from crm_app.services.timeline import Entry

from . import list_views

TICKET_STATUS = {
    "new": N_("New"),
    "open": N_("Open"),
    "pending": N_("Pending"),
    "on_hold": N_("On hold"),
    "solved": N_("Solved"),
    "closed": N_("Closed"),
}
PRIORITY = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}
ORDER_STATUS = {
    "invoiced": N_("Invoiced"),
    "paid": N_("Paid"),
    "cancelled": N_("Cancelled"),
    "refunded": N_("Refunded"),
}
CAMPAIGN_EVENTS = {
    "mailed": N_("Campaign mail sent"),
    "opened": N_("Opened"),
    "clicked": N_("Clicked a link"),
    "unsubscribed": N_("Unsubscribed"),
}
DEAL_STATE = {"open": N_("Open"), "won": N_("Won"), "lost": N_("Lost")}
HEALTH = {"good": N_("Healthy"), "watch": N_("Needs attention"), "at_risk": N_("At risk")}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def escape_markdown_html(text: str) -> str:
    """No raw HTML reaches the markdown renderer: "<" becomes an entity, shown as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def profile_view(p: Profile, loc: str) -> dict[str, str]:
    prefs = p.preferences or {}
    channel = str(prefs.get("channel") or "")
    language = str(prefs.get("language") or "")
    initials = "".join(w[0] for w in p.name.split()[:2] if w).upper() or "?"
    place = ", ".join(x for x in (p.city, list_views.country_name(p.country, loc)) if x)
    return {
        "id": str(p.id),
        "name": p.name or i18n.gettext(N_("(no name)"), loc),
        "initials": initials,
        "title": p.title,
        "company_id": str(p.company_id or ""),
        "company_name": p.company_name,
        "owner": p.owner or i18n.gettext(N_("No owner"), loc),
        "stage": p.stage,
        "stage_label": i18n.gettext(list_views.STAGE_LABELS.get(p.stage, p.stage), loc)
        if p.stage
        else "",
        "place": place,
        "domain": p.domain,
        "industry": p.industry,
        "employees": i18n.ngettext("{n} employee", "{n} employees", p.employees, loc)
        if p.employees
        else "",
        "channel": i18n.gettext(list_views.CHANNEL_LABELS.get(channel, channel), loc)
        if channel
        else i18n.gettext(N_("No preference"), loc),
        "language": _language(language, loc) or i18n.gettext(N_("No preference"), loc),
        "consent": i18n.gettext(N_("Agreed to receive e-mail"), loc)
        if p.consent_email
        else i18n.gettext(N_("No e-mail consent"), loc),
        "consent_on": formatting.day(_aware(p.consent_at), "UTC", loc) if p.consent_at else "",
        "consent_email": "1" if p.consent_email else "",
        "do_not_call": "1" if p.do_not_call else "",
    }


def _language(code: str, loc: str) -> str:
    if not code:
        return ""
    for c, name in list_views.all_languages(loc):
        if c == code.split("-")[0]:
            return name
    return code


def figures_view(s: Summary, tz: str, loc: str) -> dict[str, str]:
    never = i18n.gettext(N_("Never"), loc)
    return {
        "lifetime_value": formatting.money(s.lifetime_value, s.currency, loc),
        "orders": i18n.ngettext("{n} order", "{n} orders", s.orders, loc),
        "open_value": formatting.money(s.open_deal_value, s.currency, loc),
        "open_deals": i18n.ngettext("{n} open deal", "{n} open deals", s.open_deals, loc),
        "open_tickets": formatting.number(s.open_tickets, loc),
        "last_contacted": formatting.ago(s.last_contacted_at, loc)
        if s.last_contacted_at
        else never,
        "last_contacted_exact": formatting.when(s.last_contacted_at, tz, loc)
        if s.last_contacted_at
        else "",
        "since_purchase": i18n.ngettext("{n} day", "{n} days", s.days_since_purchase, loc)
        if s.days_since_purchase is not None
        else i18n.gettext(N_("No purchases"), loc),
        "last_purchase": formatting.day(s.last_purchase_at, tz, loc) if s.last_purchase_at else "",
        "health": formatting.number(s.health, loc),
        "level": s.level,
        "level_label": i18n.gettext(HEALTH[s.level], loc),
    }


def reasons_view(s: Summary, loc: str) -> list[list[str]]:
    return [
        [
            i18n.format_message(r.message, loc, **{k: str(v) for k, v in r.values.items()}),
            i18n.localize_digits(f"{r.points:+d}".replace("-", "−"), loc),
            "up" if r.points > 0 else "down",
        ]
        for r in s.reasons
    ]


def _duration(minutes: int | None, loc: str) -> str:
    if not minutes:
        return ""
    h, m = divmod(int(minutes), 60)
    text = f"{h} h {m} min" if h and m else f"{h} h" if h else f"{m} min"
    return i18n.localize_digits(text, loc)


def entry_view(e: Entry, tz: str, loc: str) -> dict[str, str]:
    d = e.details
    meta = ""
    if e.kind in ("call", "meeting"):
        outcome = i18n.gettext(OUTCOME_LABELS.get(d.get("outcome") or "", ""), loc)
        meta = " · ".join(x for x in (_duration(d.get("duration"), loc), outcome) if x)
    elif e.kind == "stage":
        to = d.get("to", "")
        meta = f"{d['from']} → {to}" if d.get("from") else to
    elif e.kind == "ticket":
        meta = " · ".join(
            i18n.gettext(x, loc)
            for x in (
                TICKET_STATUS.get(d.get("status", ""), d.get("status", "")),
                PRIORITY.get(d.get("priority", ""), d.get("priority", "")),
            )
        )
    elif e.kind == "order":
        status = d.get("status", "")
        meta = " · ".join(
            (
                formatting.money(d.get("total", 0.0), d.get("currency", "EUR"), loc),
                i18n.gettext(ORDER_STATUS.get(status, status), loc),
            )
        )
    elif e.kind == "campaign":
        event = d.get("event", "")
        meta = i18n.gettext(CAMPAIGN_EVENTS.get(event, event), loc)
    return {
        "key": e.cursor,
        "kind": e.kind,
        "title": e.title,
        "body": escape_markdown_html(e.body) if e.kind == "note" else e.body,
        "who": e.who,
        "meta": meta,
        # Only links to record pages (a deal's, a ticket's).
        "link": e.link if e.link.startswith(("/deals/", "/tickets/", "/marketing/")) else "",
        "ago": formatting.ago(e.at, loc),
        "exact": formatting.when(e.at, tz, loc),
    }


def related_view(key: str, rel: Related, tz: str, loc: str) -> list[dict[str, str]]:
    out = []
    for r in rel.rows:
        if key == "deals":
            row = {
                "title": r["title"],
                "stage": r["stage"],
                "state": r["state"],
                "value": formatting.money(r["value"], r["currency"], loc),
                "close": formatting.day(
                    datetime(*r["expected_close"].timetuple()[:3], 12, tzinfo=UTC), "UTC", loc
                )
                if r["expected_close"]
                else "—",
            }
        elif key == "tickets":
            row = {
                "subject": r["subject"],
                "status": i18n.gettext(TICKET_STATUS.get(r["status"], r["status"]), loc),
                "open": "" if r["status"] in ("solved", "closed") else "1",
                "priority": i18n.gettext(PRIORITY.get(r["priority"], r["priority"]), loc),
                "priority_key": r["priority"],
            }
        elif key == "orders":
            row = {
                "number": r["number"],
                "date": formatting.day(_aware(r["ordered_at"]), tz, loc),
                "total": formatting.money(r["total"], r["currency"], loc),
                "status": i18n.gettext(ORDER_STATUS.get(r["status"], r["status"]), loc),
                "lines": str(len(r["lines"])),
            }
        elif key == "tasks":
            row = {
                "title": r["title"],
                "due": formatting.day(_aware(r["due_at"]), tz, loc) if r["due_at"] else "—",
                "late": "1"
                if r["due_at"] and not r["done"] and _aware(r["due_at"]) < datetime.now(UTC)
                else "",
                "priority": i18n.gettext(PRIORITY.get(r["priority"], r["priority"]), loc),
                "done": "1" if r["done"] else "",
                "assignee": r["assignee"] or "",
            }
        else:
            row = {
                "name": r["name"],
                "title": r["title"],
                "last": formatting.ago(_aware(r["last_activity"]), loc)
                if r["last_activity"]
                else i18n.gettext(N_("No activity yet"), loc),
            }
        row["id"] = str(r["id"])
        out.append(row)
    return out


def order_lines(rel: Related, loc: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for r in rel.rows:
        out[str(r["id"])] = [
            [
                line["description"],
                formatting.number(line["quantity"], loc),
                formatting.money(line["amount"], r["currency"], loc),
            ]
            for line in r["lines"]
        ]
    return out
