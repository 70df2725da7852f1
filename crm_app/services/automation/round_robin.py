"""Round-robin assignment: each rule hands records to the active users of a role (and
optionally a region, the sales team's office) in turn, by user id.

The rule remembers the last user it picked per action (``AutomationRule.state``), so the
turn survives restarts; a user who is deactivated drops out of the turn and a new user joins
it at their place in id order. Over any run of assignments, counts differ by at most one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import AutomationRule, Role, User

from .. import writes


def candidates(session: Session, role: str, region: str = "") -> list[int]:
    """Active users of ``role`` (and ``region`` when given), by id."""
    query = sa.select(User.id).where(User.active, User.role == role)
    if region:
        query = query.where(sa.func.lower(User.region) == region.casefold())
    return list(session.execute(query.order_by(User.id)).scalars())


def valid_role(role: str) -> bool:
    return role in {r.value for r in Role} and role != Role.READ_ONLY.value


def next_user(
    session: Session, rule: AutomationRule, slot: str, config: dict[str, Any]
) -> int | None:
    """The next user in the rule's turn for action ``slot``; None when nobody is eligible.
    Remembers the pick (an audited update of the rule's state)."""
    users = candidates(session, str(config.get("role") or ""), str(config.get("region") or ""))
    if not users:
        return None
    turns = dict((rule.state or {}).get("round_robin") or {})
    last = turns.get(slot)
    pick = next((u for u in users if last is None or u > int(last)), users[0])
    turns[slot] = pick
    writes.update(
        session, rule, {"state": {**(rule.state or {}), "round_robin": turns}}, actor_id=None
    )
    return pick
