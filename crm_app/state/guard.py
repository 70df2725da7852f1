"""The one guard every state handler goes through.

Every public method of a Reflex State is callable by any browser with any arguments, so
each handler is wrapped by ``guarded(perm)``: it resolves the session cookie to an active
user, checks the role against the permission matrix, and only then runs the handler with
the caller available through ``caller()``. Handlers reachable without a session are listed
in ``PUBLIC_ENTRY_POINTS`` and wrapped by ``public`` instead; a test proves the rest do
nothing for an anonymous client.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable
from typing import Any

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import auth, i18n
from crm_app.services.auth import CurrentUser
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

_CALLER: contextvars.ContextVar[CurrentUser | None] = contextvars.ContextVar("caller", default=None)

# "StateClass.handler" names callable without a session. Each has its own validation and
# rate-limit tests. Keep this list short.
PUBLIC_ENTRY_POINTS: set[str] = set()

GUARD_ATTR = "__rapport_guard__"


def caller() -> CurrentUser:
    """The user on whose behalf the current handler runs (only inside a guarded handler)."""
    user = _CALLER.get()
    if user is None:
        raise RuntimeError("caller() used outside a guarded handler")
    return user


def resolve_token(token: str) -> CurrentUser | None:
    with session_scope() as session:
        return auth.resolve(session, token)


def _deny(user: CurrentUser | None) -> Any:
    if user is None:
        return rx.redirect("/login")
    return rx.toast.error(
        i18n.gettext(N_("Your role does not allow this."), user.locale), id="denied"
    )


def guarded(perm: Perm = Perm.READ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the handler only for a logged-in, active user whose role holds ``perm``."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        def _check(self: Any) -> CurrentUser | None:
            user = resolve_token(getattr(self, "session_token", ""))
            if user is not None and can(user.role, perm):
                self._remember_user(user)
                return user
            return None

        def _denial(self: Any) -> Any:
            user = resolve_token(getattr(self, "session_token", ""))
            return _deny(user)

        if inspect.isasyncgenfunction(fn):

            @functools.wraps(fn)
            async def agen_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                user = _check(self)
                if user is None:
                    yield _denial(self)
                    return
                token = _CALLER.set(user)
                try:
                    async for item in fn(self, *args, **kwargs):
                        yield item
                finally:
                    _CALLER.reset(token)

            wrapper: Callable[..., Any] = agen_wrapper
        elif inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def gen_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                user = _check(self)
                if user is None:
                    yield _denial(self)
                    return
                token = _CALLER.set(user)
                try:
                    yield from fn(self, *args, **kwargs)
                finally:
                    _CALLER.reset(token)

            wrapper = gen_wrapper
        elif inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                user = _check(self)
                if user is None:
                    return _denial(self)
                token = _CALLER.set(user)
                try:
                    return await fn(self, *args, **kwargs)
                finally:
                    _CALLER.reset(token)

            wrapper = async_wrapper
        else:

            @functools.wraps(fn)
            def sync_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                user = _check(self)
                if user is None:
                    return _denial(self)
                token = _CALLER.set(user)
                try:
                    return fn(self, *args, **kwargs)
                finally:
                    _CALLER.reset(token)

            wrapper = sync_wrapper
        setattr(wrapper, GUARD_ATTR, perm.value)
        return wrapper

    return decorate


def public(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a handler as a public entry point (callable without a session)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        PUBLIC_ENTRY_POINTS.add(name)
        setattr(fn, GUARD_ATTR, "public")
        return fn

    return decorate
