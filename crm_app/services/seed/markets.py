"""The demo's market for an interface language: ``get("he")`` is Israel, unknown ones English."""

from __future__ import annotations

from crm_app.services import i18n

from .market import EN, Market
from .market_et import ET
from .market_fa import FA
from .market_he import HE
from .market_hy import HY

MARKETS: dict[str, Market] = {m.locale: m for m in (EN, ET, HE, FA, HY)}


def get(locale: str | None) -> Market:
    return MARKETS.get(i18n.normalize(locale), EN)
