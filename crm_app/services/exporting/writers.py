"""Writing rows to a CSV or XLSX file or stream.

Rules:
- The format is the file's extension (``.csv`` / ``.xlsx``); anything else is refused before
  a file is touched. A written file appears whole or not at all (temporary file, then rename).
- Every text cell, headers included, goes through ``cells.neutralize`` in both formats, so
  nothing in the data can run as a formula; XLSX text is written as strings, never formulas,
  without the control characters XML cannot hold, and cut to what Excel keeps in one cell.
- CSV is UTF-8 with a BOM (Excel); a caller's stream stays open. XLSX is written with
  openpyxl's write-only mode, the header bold and frozen.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..cells import neutralize

FORMATS = ("csv", "xlsx")
XLSX_MAX_TEXT = 32767  # characters Excel keeps in one cell

type Target = str | os.PathLike[str] | IO[bytes] | IO[str]


class ExportFormatError(ValueError):
    """The file name (or ``fmt``) names no format we write."""


def format_of(target: Any, fmt: str | None = None) -> str:
    """``"csv"`` or ``"xlsx"``: ``fmt`` when given, else the file's extension."""
    if fmt is None and isinstance(target, str | os.PathLike):
        fmt = Path(target).suffix.lstrip(".")
    chosen = (fmt or "").strip().lower().lstrip(".")
    if chosen not in FORMATS:
        shown = f".{chosen}" if chosen else "no extension"
        raise ExportFormatError(
            f"Cannot export to {shown}: use a file name ending in .csv or .xlsx."
        )
    return chosen


def write(
    target: Target, fmt: str, sheet: str, header: list[str], rows: Iterable[list[list[Any]]]
) -> int:
    """Write ``header`` and the chunks of ``rows``; the number of rows. To a stream as is; to
    a path through a temporary file renamed when complete."""
    if not isinstance(target, str | os.PathLike):
        return _write_stream(target, fmt, sheet, header, rows)
    path = Path(target)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            count = _write_stream(stream, fmt, sheet, header, rows)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count


def _write_stream(
    stream: Any, fmt: str, sheet: str, header: list[str], rows: Iterable[list[list[Any]]]
) -> int:
    if fmt == "csv":
        return _write_csv(stream, header, rows)
    return _write_xlsx(stream, sheet, header, rows)


def _write_csv(stream: Any, header: list[str], chunks: Iterable[list[list[Any]]]) -> int:
    text = (
        stream
        if isinstance(stream, io.TextIOBase)
        else io.TextIOWrapper(stream, "utf-8", newline="")
    )
    text.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralize(h) for h in header])
    count = 0
    for rows in chunks:
        writer.writerows([neutralize(v) if v else v for v in row] for row in rows)
        count += len(rows)
    text.flush()
    if text is not stream:
        text.detach()  # the caller's stream stays open
    return count


def _xlsx_text(value: Any) -> Any:
    """Text without the control characters XML cannot hold, neutralised afterwards (removing
    one must not uncover a formula)."""
    if not isinstance(value, str):
        return value
    if not value:
        return None  # a blank cell, not an empty string
    return neutralize(ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_TEXT])


def _write_xlsx(
    stream: Any, sheet: str, header: list[str], chunks: Iterable[list[list[Any]]]
) -> int:
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "A2"
    for i, title in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(title) + 4))
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(ws, value=_xlsx_text(title))
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    count = 0
    for rows in chunks:
        for row in rows:
            ws.append([_xlsx_text(v) for v in row])
        count += len(rows)
    book.save(stream)
    return count
