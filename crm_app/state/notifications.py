"""The bell: unread count, the latest notifications, and the live watch that keeps them fresh.

Live updates run as one Reflex background event per client (browser tab): the bell's hidden
watcher mounts after the page, calls ``start``, and ``start`` chains ``watch``. Every
``POLL_SECONDS`` the watch runs the cheap ``unread_since`` query for ids above the last one it
saw and, when something new arrived, updates the count and the list under ``async with self``
(the only place a background handler may write vars) and shows a toast.

Exactly one watch runs per client: ``_LOOPS`` (this process) maps the client token to the
loop that owns it, and a loop exits as soon as it is no longer the owner. A loop also exits
when the session cookie stops resolving to its user (logout, expiry, deactivation, another
user signing in in that tab), or when the client has been disconnected for ``OFFLINE_GRACE``
seconds; it then clears ``watching``, so a client that comes back remounts the watcher and
starts a fresh loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import uuid

import reflex as rx
from reflex.config import get_config

from crm_app.db import session_scope
from crm_app.services import auth, formatting, i18n, notifications
from crm_app.services.i18n import N_

from .base import AppState
from .guard import caller, guarded

POLL_SECONDS = 3.0
OFFLINE_GRACE = 30.0
NEW_ONE = N_("New notification")

# client token → (loop id, user id) of the watch that owns the client, in this process.
_LOOPS: dict[str, tuple[str, int]] = {}
# loop ids whose watch is running (a loop id runs at most once).
_ACTIVE: set[str] = set()


@dataclasses.dataclass
class NotificationItem:
    id: int
    text: str
    ago: str
    exact: str
    unread: bool
    link: str


def _connected(client_token: str) -> bool:
    """Whether the client's websocket is connected to this process (no running app: no)."""
    app = getattr(sys.modules.get(get_config().module), "app", None)
    namespace = getattr(app, "event_namespace", None)
    return namespace is not None and client_token in namespace.token_to_sid


def _poll(
    session_token: str, user_id: int, last_seen_id: int
) -> tuple[list[notifications.NotificationRow], int] | None:
    """One round: None when the session no longer belongs to ``user_id``; else the unread
    notifications newer than ``last_seen_id`` and, when there are any, the unread count."""
    with session_scope() as session:
        user = auth.resolve(session, session_token)
        if user is None or user.id != user_id:
            return None
        rows = notifications.unread_since(session, user_id, last_seen_id)
        return rows, (notifications.unread_count(session, user_id) if rows else 0)


class NotificationsState(AppState):
    unread: int = 0
    items: list[NotificationItem] = []
    loaded: bool = False  # the list (not just the count) has been read
    menu_open: bool = False
    watching: bool = False
    _last_id: int = 0
    _loop_id: str = ""

    @rx.var
    def unread_label(self) -> str:
        return "99+" if self.unread > 99 else str(self.unread)

    def _items(self, rows: list[notifications.NotificationRow]) -> list[NotificationItem]:
        me = caller()
        return [
            NotificationItem(
                id=r.id,
                text=notifications.text(r, me.locale),
                ago=formatting.ago(r.created_at, me.locale),
                exact=formatting.when(r.created_at, me.time_zone, me.locale),
                unread=r.unread,
                link=r.link or "",
            )
            for r in rows
        ]

    def _refresh(self, *, with_list: bool) -> None:
        me = caller()
        with session_scope() as session:
            self.unread = notifications.unread_count(session, me.id)
            self._last_id = max(self._last_id, notifications.last_id(session, me.id))
            if with_list:
                self.items = self._items(notifications.latest(session, me.id))
                self.loaded = True

    @guarded()
    def start(self):
        """The watcher mounted: read the count and make sure this client has one live watch."""
        me = caller()
        self._refresh(with_list=self.menu_open)
        self.watching = True
        client = self.router.session.client_token
        running = _LOOPS.get(client)
        if running is not None and running[1] == me.id and running[0] in _ACTIVE:
            return None
        loop_id = uuid.uuid4().hex
        _LOOPS[client] = (loop_id, me.id)
        self._loop_id = loop_id
        return NotificationsState.watch

    @rx.event(background=True)
    @guarded()
    async def watch(self):
        """The live loop (a background event): see the module docstring."""
        async with self:
            loop_id = self._loop_id
            client = self.router.session.client_token
        owner = _LOOPS.get(client)
        if not loop_id or loop_id in _ACTIVE or owner is None or owner[0] != loop_id:
            return
        user_id = owner[1]
        _ACTIVE.add(loop_id)
        offline = 0.0
        try:
            while True:
                await asyncio.sleep(POLL_SECONDS)
                if _LOOPS.get(client, ("", 0))[0] != loop_id:
                    return  # a newer loop owns this client
                if not _connected(client):
                    offline += POLL_SECONDS
                    if offline >= OFFLINE_GRACE:
                        return
                    continue
                offline = 0.0
                async with self:
                    session_token, last_seen = self.session_token, self._last_id
                found = await asyncio.to_thread(_poll, session_token, user_id, last_seen)
                if found is None:
                    return  # logged out, expired, or another user in this tab
                rows, unread = found
                if not rows:
                    continue
                async with self:
                    locale = self.locale
                    self._last_id = max(self._last_id, rows[-1].id)
                    self.unread = unread
                    if self.loaded:
                        known = {i.id for i in self.items}
                        fresh = [
                            NotificationItem(
                                id=r.id,
                                text=notifications.text(r, locale),
                                ago=i18n.gettext(N_("just now"), locale),
                                exact="",
                                unread=True,
                                link=r.link or "",
                            )
                            for r in reversed(rows)
                            if r.id not in known
                        ]
                        self.items = (fresh + self.items)[: notifications.LATEST_LIMIT]
                newest = rows[-1]
                yield rx.toast.info(
                    i18n.gettext(NEW_ONE, locale),
                    description=notifications.text(newest, locale),
                    id="notification",
                )
        finally:
            _ACTIVE.discard(loop_id)
            if _LOOPS.get(client, ("", 0))[0] == loop_id:
                _LOOPS.pop(client, None)
                with contextlib.suppress(Exception):
                    async with self:
                        if self._loop_id == loop_id:
                            self.watching = False

    @guarded()
    def set_menu_open(self, value: bool):
        """Opening the popover reads the latest notifications (relative times made fresh)."""
        self.menu_open = bool(value)
        if self.menu_open:
            self._refresh(with_list=True)

    @guarded()
    def open_item(self, notification_id: int):
        """Mark one notification read and go to its record."""
        me = caller()
        item = next((i for i in self.items if i.id == int(notification_id)), None)
        if item is None:
            return None
        with session_scope() as session:
            notifications.mark_read(session, me.id, [item.id])
        self.menu_open = False
        self._refresh(with_list=True)
        return rx.redirect(item.link) if item.link.startswith("/") else None

    @guarded()
    def mark_all_read(self):
        me = caller()
        with session_scope() as session:
            notifications.mark_all_read(session, me.id)
        self._refresh(with_list=True)
