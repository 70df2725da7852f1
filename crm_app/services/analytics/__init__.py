"""Analytics: sales, customer and service metrics over bounded SQL queries into pandas.

``filters`` (the filter and the per-request context), ``sales``, ``funnel``, ``customers``
(over ``customer_frames``), ``service``, ``actions`` (next best actions) and ``report`` (the
figures ``rapport report`` prints). The large frames are read without the filter and kept
between requests until a table they read changes (``shared``); each request narrows them.
Services only: no Reflex here.
"""

from .filters import AnalyticsFilter, Context, context
from .report import KINDS, report

__all__ = ["KINDS", "AnalyticsFilter", "Context", "context", "report"]
