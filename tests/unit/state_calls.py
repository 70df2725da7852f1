"""Call Reflex event handlers the way a browser would, without a browser, for guard tests."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import typing
from collections.abc import Iterator

import sqlalchemy as sa
from reflex.state import State
from sqlmodel import SQLModel

import crm_app.crm_app  # noqa: F401  (imports every page and so every State)
from crm_app.db import get_engine
from crm_app.models import Role


def app_states() -> Iterator[type[State]]:
    """Every State class defined by the app (discovered, not listed by hand)."""
    stack = list(State.get_substates())
    while stack:
        cls = stack.pop()
        stack.extend(cls.get_substates())
        if cls.__module__.startswith("crm_app."):
            yield cls


def state_instance(cls: type[State]) -> State:
    root = State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _sample(annotation: typing.Any, name: str) -> typing.Any:
    """A plausible argument a malicious client could send."""
    if annotation in (int, "int"):
        return 1
    if annotation in (bool, "bool"):
        return name not in ("active",)
    if annotation in (dict, "dict") or "form" in name:
        return {
            "name": "Mallory",
            "email": "mallory@example.com",
            "role": "admin",
            "password": "a-long-password-1",
            "first_name": "M",
            "last_name": "X",
        }
    if name in ("tz", "time_zone"):
        return "Europe/Tallinn"
    if name == "role":
        return Role.ADMIN.value
    if name == "email":
        return "admin@example.com"
    return "1"


def call(
    cls: type[State], name: str, token: str = "", args: list | None = None
) -> tuple[dict, dict]:
    """Run one handler on a fresh state tree; returns the vars before and after."""
    state = state_instance(cls)
    if token:
        state.session_token = token
    handler = cls.event_handlers[name]
    fn = handler.fn
    params = list(inspect.signature(fn).parameters.values())[1:]
    hints = typing.get_type_hints(inspect.unwrap(fn))
    if args is None:
        args = [_sample(hints.get(p.name, p.annotation), p.name) for p in params]
    before = _vars(state)
    result = fn(state, *args)
    if inspect.iscoroutine(result):
        asyncio.run(result)
    elif inspect.isasyncgen(result):

        async def drain(gen):
            async for _ in gen:
                pass

        asyncio.run(drain(result))
    elif inspect.isgenerator(result):
        list(result)
    return before, _vars(state)


def _vars(state: State) -> dict:
    values = {}
    for st in [state, *_parents(state)]:
        for name in st.base_vars:
            if name in ("router", "session_token"):
                continue
            values[f"{type(st).__name__}.{name}"] = repr(getattr(st, name))
    return values


def _parents(state: State) -> list[State]:
    out = []
    while state.parent_state is not None:
        state = state.parent_state
        out.append(state)
    return out


def digest(url: str) -> str:
    """A hash of every row of every table: equal digests mean nothing was written."""
    h = hashlib.sha256()
    with get_engine(url).connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()
