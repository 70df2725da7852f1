"""Customer service: tickets, SLA targets in business hours, replies and notes, CSAT ratings,
the public request form and the SLA watch.

Modules: ``calendar`` (business hours), ``sla`` (policies, due times, state, breaches),
``editing`` (create, change, bulk, replies, merge), ``csat``, ``public_form``, ``sla_watch``
(the periodic job; importing this package registers it).
"""

from . import sla_watch  # noqa: F401  (registers the periodic SLA watch)
from .calendar import (
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
    load_calendar,
    save_calendar,
    validate_calendar,
)
from .csat import check_token, request_rating, submit_rating
from .editing import (
    CHANNELS,
    STATUSES,
    TRANSITIONS,
    BulkResult,
    TicketInput,
    add_comment,
    allowed_statuses,
    bulk_update,
    create_ticket,
    get_ticket,
    merge_tickets,
    ticket_reference,
    update_ticket,
)
from .public_form import submit_request
from .reference import mail_subject, parse_reference
from .sla import SlaState, TargetState, compute_due, policies, sla_state

__all__ = [
    "CHANNELS",
    "STATUSES",
    "TRANSITIONS",
    "BulkResult",
    "BusinessCalendar",
    "SlaState",
    "TargetState",
    "TicketInput",
    "add_business_minutes",
    "add_comment",
    "allowed_statuses",
    "bulk_update",
    "business_minutes_between",
    "check_token",
    "compute_due",
    "create_ticket",
    "get_ticket",
    "load_calendar",
    "mail_subject",
    "merge_tickets",
    "parse_reference",
    "policies",
    "request_rating",
    "save_calendar",
    "sla_state",
    "submit_rating",
    "submit_request",
    "ticket_reference",
    "update_ticket",
    "validate_calendar",
]
