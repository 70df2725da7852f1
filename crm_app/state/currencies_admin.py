"""Settings → Currencies (admins): the base currency and the exchange-rate table."""

from __future__ import annotations

import dataclasses

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import currencies, formatting, i18n
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from .base import AppState
from .guard import caller, guarded

GONE = N_("That record no longer exists.")


@dataclasses.dataclass
class RateView:
    currency: str
    name: str
    rate: str  # "1 USD = 0.92 EUR" in the user's language
    updated: str
    updated_exact: str
    open_deals: str


def _rate_text(rate: float, locale: str) -> str:
    """Enough digits for a rate (0.0062 for the yen) without trailing noise."""
    digits = 2 if rate >= 100 else 4 if rate >= 1 else 6
    return formatting.number(round(rate, digits), locale)


class CurrenciesAdminState(AppState):
    base: str = ""
    base_name: str = ""
    choices: list[list[str]] = []  # [code, "Name (CODE)"] for the base currency select
    rates: list[RateView] = []
    pending_base: str = ""  # the base currency waiting for the admin's confirmation
    pending_text: str = ""
    base_error: str = ""
    delete_code: str = ""
    delete_text: str = ""
    delete_error: str = ""

    def _reload(self) -> None:
        me = caller()
        loc = me.locale
        with session_scope() as session:
            base = currencies.base_currency(session)
            rows = currencies.list_rates(session)
        self.base = base
        self.base_name = currencies.currency_name(base, loc)
        self.choices = [
            [code, label]
            for code, label in currencies.currency_choices(
                loc, extra=(base, *(r.currency for r in rows))
            )
        ]
        n = i18n.ngettext
        self.rates = [
            RateView(
                currency=r.currency,
                name=currencies.currency_name(r.currency, loc),
                rate=i18n.format_message(
                    N_("1 {currency} = {rate} {base}"),
                    loc,
                    currency=r.currency,
                    rate=_rate_text(r.rate, loc),
                    base=base,
                ),
                updated=formatting.day(r.updated_at, me.time_zone, loc),
                updated_exact=formatting.when(r.updated_at, me.time_zone, loc),
                open_deals=n("{n} open deal", "{n} open deals", r.open_deals, loc),
            )
            for r in rows
        ]

    @guarded()
    def load_currencies(self):
        """On page load for everyone; fills the tab only for those who manage settings."""
        if can(caller().role, Perm.SETTINGS_MANAGE):
            self.pending_base, self.delete_code, self.base_error = "", "", ""
            self._reload()

    # -- the base currency ----------------------------------------------------------------------
    @guarded(Perm.SETTINGS_MANAGE)
    def choose_base(self, code: str):
        """Ask before changing the base: every report's figures are converted."""
        code = str(code).upper()[:3]
        self.base_error = ""
        if code == self.base:
            return
        if not currencies.is_currency(code):
            self.base_error = self._t(currencies.CHOOSE)
            return
        self.pending_base = code
        self.pending_text = i18n.format_message(
            N_(
                "Reports will show amounts in {name}. The exchange rates, and the rates closed "
                "deals keep, are converted at today's rate of {currency}; nothing else changes."
            ),
            self.locale,
            name=currencies.currency_name(code, self.locale),
            currency=code,
        )

    @guarded(Perm.SETTINGS_MANAGE)
    def cancel_base(self):
        self.pending_base = ""

    @guarded(Perm.SETTINGS_MANAGE)
    def confirm_base(self):
        code = self.pending_base
        self.pending_base = ""
        if not code:
            return None
        try:
            with session_scope() as session:
                currencies.set_base_currency(session, code, actor_id=caller().id)
        except ValidationError as exc:
            self.base_error = self._t(next(iter(exc.errors.values())))
            return rx.toast.error(self.base_error)
        self.base_error = ""
        self._reload()
        return rx.toast.success(self._t(N_("Base currency changed. Reports now use it.")))

    # -- deleting a rate ------------------------------------------------------------------------
    @guarded(Perm.SETTINGS_MANAGE)
    def ask_delete(self, code: str):
        code = str(code).upper()[:3]
        self.delete_error = ""
        self.delete_code = code
        self.delete_text = i18n.format_message(
            N_(
                "Deals in {currency} can no longer be added or converted until you add its rate "
                "again. Closed deals keep the rate they closed at."
            ),
            self.locale,
            currency=code,
        )

    @guarded(Perm.SETTINGS_MANAGE)
    def cancel_delete(self):
        self.delete_code, self.delete_error = "", ""

    @guarded(Perm.SETTINGS_MANAGE)
    def confirm_delete(self):
        code = self.delete_code
        try:
            with session_scope() as session:
                currencies.delete_rate(session, code, actor_id=caller().id)
        except currencies.RateInUse as exc:
            self.delete_error = i18n.ngettext(*exc.plural, exc.count, self.locale)
            return None
        except (NotFound, ValidationError):
            self.delete_code = ""
            self._reload()
            return rx.toast.error(self._t(GONE))
        self.delete_code = ""
        self._reload()
        return rx.toast.success(self._t(N_("Exchange rate deleted.")))


class RateFormState(CurrenciesAdminState):
    """The one exchange-rate form: add a currency's rate, or change today's rate."""

    open: bool = False
    form_key: int = 0
    editing: str = ""  # the currency being edited; empty when adding
    editing_name: str = ""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    options: list[list[str]] = []  # currencies that can still get a rate

    def _show(self, code: str, rate: str) -> None:
        taken = {r.currency for r in self.rates} | {self.base}
        self.options = [c for c in self.choices if c[0] not in taken or c[0] == code]
        self.editing, self.values, self.errors = code, {"currency": code, "rate": rate}, {}
        self.editing_name = currencies.currency_name(code, self.locale) if code else ""
        self.form_key += 1
        self.open = True

    @guarded(Perm.SETTINGS_MANAGE)
    def open_new(self):
        self._show("", "")

    @guarded(Perm.SETTINGS_MANAGE)
    def open_edit(self, code: str):
        code = str(code).upper()[:3]
        rate = next((r for r in _stored_rates() if r.currency == code), None)
        if rate is None:
            self._reload()
            return rx.toast.error(self._t(GONE))
        # What the admin types back: plain digits, no grouping (the parser reads both marks).
        self._show(code, f"{rate.rate:.10f}".rstrip("0").rstrip("."))
        return None

    @guarded(Perm.SETTINGS_MANAGE)
    def set_open(self, value: bool):
        self.open = bool(value)
        if not self.open:
            self.errors = {}

    @guarded(Perm.SETTINGS_MANAGE)
    def submit(self, form: dict):
        code = self.editing or str(form.get("currency", "")).upper()[:3]
        rate = str(form.get("rate", ""))[:40]
        try:
            with session_scope() as session:
                if self.editing:
                    currencies.update_rate(session, code, rate, actor_id=caller().id)
                else:
                    currencies.add_rate(session, code, rate, actor_id=caller().id)
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        except NotFound:
            self.open = False
            self._reload()
            return rx.toast.error(self._t(GONE))
        self.open, self.errors = False, {}
        self._reload()
        return rx.toast.success(self._t(N_("Exchange rate saved. Open deals use it from now on.")))


def _stored_rates() -> list[currencies.RateRow]:
    with session_scope() as session:
        return currencies.list_rates(session)
