"""The rejected-rows file: the rows an import left out, as they were, with why.

Columns: the file's own, then Row, Field and Reason (in the reader's language). Every cell
goes through ``cells.neutralize``: a cell that a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session

from crm_app.models import ImportBatch

from ..cells import neutralize_row
from ..errors import NotFound
from ..i18n import gettext
from .rows import Rejection

EXTRA_COLUMNS = ("Row", "Field", "Reason")


def rejected_rows_csv(
    headers: list[str], rejected: Iterable[Rejection | Mapping[str, Any]], *, locale: str = "en"
) -> str:
    """CSV text of the rejected rows (encode as ``utf-8-sig`` for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(neutralize_row([*headers, *EXTRA_COLUMNS]))
    for item in rejected:
        entry = item.as_dict() | {"values": item.values} if isinstance(item, Rejection) else item
        values = entry.get("values") or {}
        cells = [values.get(h, "") for h in headers]
        reason = gettext(str(entry.get("reason", "")), locale)
        writer.writerow(neutralize_row([*cells, entry.get("row"), entry.get("field", ""), reason]))
    return out.getvalue()


def batch_rejected_csv(session: Session, batch_id: int, *, locale: str = "en") -> str:
    """The rejected-rows file of a stored import (its headers are its mapping's keys)."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(batch_id)
    return rejected_rows_csv(list(batch.mapping), batch.rejected, locale=locale)
