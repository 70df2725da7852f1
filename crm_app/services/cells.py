"""Spreadsheet cells that cannot run: text starting like a formula is neutralised.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, after a tab or carriage return, the same) as a formula, in CSV files and in typed text.
Every exported or downloadable cell goes through :func:`neutralize`: such text gets a leading
apostrophe, the spreadsheet convention for "this is text". A phone number keeps its digits and
its ``+`` right after the apostrophe, so it stays readable.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """The value as a spreadsheet may show it: formula-like text becomes plain text.

    Numbers, booleans, dates and ``None`` pass through unchanged (they cannot be formulas).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize_row(values: list[Any]) -> list[Any]:
    return [neutralize(v) for v in values]
