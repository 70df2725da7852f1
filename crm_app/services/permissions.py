"""Who may do what. The one role matrix that every state handler and the CLI consult.

Default matrix (issue #2):
- admin: everything, including users and settings;
- manager: all records and reports, assigning; no user or system settings;
- sales: read contacts, companies and deals; edit contacts and companies; edit own or
  unowned deals; read tickets;
- support: full tickets; read and edit contact details; read deals;
- read_only: read everything, write nothing.
"""

from __future__ import annotations

from enum import StrEnum

from crm_app.models import Role

from .i18n import N_


class Perm(StrEnum):
    READ = "read"  # see records, lists, dashboards
    CONTACTS_WRITE = "contacts.write"
    COMPANIES_WRITE = "companies.write"
    DEALS_WRITE_OWN = "deals.write_own"  # own or unowned deals
    DEALS_WRITE_ANY = "deals.write_any"
    TICKETS_WRITE = "tickets.write"
    ACTIVITIES_WRITE = "activities.write"
    TASKS_WRITE = "tasks.write"
    ASSIGN = "records.assign"
    REPORTS = "reports.read"
    USERS_MANAGE = "users.manage"
    SETTINGS_MANAGE = "settings.manage"
    MARKETING = "marketing.manage"  # templates and campaigns (admin, manager)
    SELF_PROFILE = "self.profile"  # change one's own locale, time zone, password


_ALL = frozenset(Perm)

MATRIX: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: _ALL,
    Role.MANAGER: _ALL - {Perm.USERS_MANAGE, Perm.SETTINGS_MANAGE},
    Role.SALES: frozenset(
        {
            Perm.READ,
            Perm.CONTACTS_WRITE,
            Perm.COMPANIES_WRITE,
            Perm.DEALS_WRITE_OWN,
            Perm.ACTIVITIES_WRITE,
            Perm.TASKS_WRITE,
            Perm.REPORTS,
            Perm.SELF_PROFILE,
        }
    ),
    Role.SUPPORT: frozenset(
        {
            Perm.READ,
            Perm.CONTACTS_WRITE,
            Perm.TICKETS_WRITE,
            Perm.ACTIVITIES_WRITE,
            Perm.TASKS_WRITE,
            Perm.REPORTS,
            Perm.SELF_PROFILE,
        }
    ),
    Role.READ_ONLY: frozenset({Perm.READ, Perm.REPORTS}),
}

ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: N_("Admin"),
    Role.MANAGER: N_("Manager"),
    Role.SALES: N_("Sales rep"),
    Role.SUPPORT: N_("Support"),
    Role.READ_ONLY: N_("Read-only"),
}


def role_of(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def can(role: str, perm: Perm) -> bool:
    """True when ``role`` holds ``perm`` (a deal owner check is separate: see can_edit_deal)."""
    r = role_of(role)
    return r is not None and perm in MATRIX[r]


def can_edit_deal(role: str, user_id: int, deal_owner_id: int | None) -> bool:
    """Sales may edit their own or unowned deals; managers and admins any deal."""
    if can(role, Perm.DEALS_WRITE_ANY):
        return True
    return can(role, Perm.DEALS_WRITE_OWN) and deal_owner_id in (None, user_id)


def is_writer(role: str) -> bool:
    """False for roles that may write nothing at all (read-only)."""
    r = role_of(role)
    return r is not None and bool(MATRIX[r] - {Perm.READ, Perm.REPORTS})
