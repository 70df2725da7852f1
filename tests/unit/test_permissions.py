"""The default role matrix (issue #2), spelled out here independently of the code."""

from __future__ import annotations

import pytest

from crm_app.models import Role
from crm_app.services.permissions import (
    MATRIX,
    ROLE_LABELS,
    Perm,
    can,
    can_edit_deal,
    is_writer,
    role_of,
)

P = Perm
EVERYTHING = set(Perm)

# What each role may do, written out by hand: a change to the matrix must change this too.
EXPECTED: dict[str, set[Perm]] = {
    "admin": EVERYTHING,
    "manager": EVERYTHING - {P.USERS_MANAGE, P.SETTINGS_MANAGE},
    "sales": {
        P.READ,
        P.CONTACTS_WRITE,
        P.COMPANIES_WRITE,
        P.DEALS_WRITE_OWN,
        P.ACTIVITIES_WRITE,
        P.TASKS_WRITE,
        P.REPORTS,
        P.SELF_PROFILE,
    },
    "support": {
        P.READ,
        P.CONTACTS_WRITE,
        P.TICKETS_WRITE,
        P.ACTIVITIES_WRITE,
        P.TASKS_WRITE,
        P.REPORTS,
        P.SELF_PROFILE,
    },
    "read_only": {P.READ, P.REPORTS},
}


def test_the_permission_list_is_the_one_this_test_knows():
    assert {p.value for p in Perm} == {
        "read",
        "contacts.write",
        "companies.write",
        "deals.write_own",
        "deals.write_any",
        "tickets.write",
        "activities.write",
        "tasks.write",
        "records.assign",
        "reports.read",
        "users.manage",
        "settings.manage",
        "self.profile",
        "marketing.manage",
    }


def test_every_role_has_a_matrix_row_and_a_label():
    assert set(MATRIX) == set(Role) == {Role(r) for r in EXPECTED}
    assert set(ROLE_LABELS) == {r.value for r in Role}


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [(role, perm, perm in perms) for role, perms in EXPECTED.items() for perm in Perm],
    ids=lambda v: str(v),
)
def test_default_matrix(role, perm, allowed):
    assert can(role, perm) is allowed


@pytest.mark.parametrize(
    ("role", "own", "unowned", "someone_elses"),
    [
        ("admin", True, True, True),
        ("manager", True, True, True),
        ("sales", True, True, False),
        ("support", False, False, False),
        ("read_only", False, False, False),
        ("intruder", False, False, False),
    ],
)
def test_can_edit_deal(role, own, unowned, someone_elses):
    me, other = 7, 8
    assert can_edit_deal(role, me, me) is own
    assert can_edit_deal(role, me, None) is unowned
    assert can_edit_deal(role, me, other) is someone_elses


@pytest.mark.parametrize(
    ("role", "writer"),
    [("admin", True), ("manager", True), ("sales", True), ("support", True), ("read_only", False)],
)
def test_is_writer_is_false_only_for_read_only(role, writer):
    assert is_writer(role) is writer


@pytest.mark.parametrize("role", ["", "root", "Admin", "ADMIN", "read-only", " sales"])
def test_unknown_role_has_no_permission(role):
    assert role_of(role) is None
    assert not any(can(role, perm) for perm in Perm)
    assert not can_edit_deal(role, 1, None)
    assert not is_writer(role)


def test_roles_accept_enum_members_as_well_as_strings():
    assert role_of("support") is Role.SUPPORT
    assert can(Role.SUPPORT, Perm.TICKETS_WRITE)
    assert not can(Role.SALES, Perm.TICKETS_WRITE)
