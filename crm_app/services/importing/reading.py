"""Reading an uploaded file into a header and rows of text, whatever tool wrote it.

Rules:
- CSV: the encoding is read from a byte-order mark (UTF-8, UTF-16), else UTF-8 is tried and
  cp1252 (what Excel on Windows writes) is the fallback; the delimiter is the one among
  ``, ; TAB |`` that splits the first lines most consistently into more than one column.
- XLSX (and XLS/ODS): the first sheet, via calamine. Date cells become ISO text, whole numbers
  lose their ".0" (a phone number typed as a number stays readable).
- The header is the first non-blank row; blank rows are skipped. Every row keeps the number a
  spreadsheet shows for it (header = 1 when it is the first line).
- A file that is none of these (by its name's suffix, or text that starts like HTML, JSON,
  PDF or RTF), is damaged or has no header raises ``UnreadableFile``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..i18n import N_
from .problems import UnreadableFile

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_TEXT_SUFFIXES = ("", ".csv", ".tsv", ".tab", ".txt")
# How other text formats begin (HTML/XML, JSON, PDF, RTF): never a header row.
_NOT_CSV_STARTS = ("<", "{", "[", "%PDF", "{\\rtf")

NOT_A_TABLE = N_("This file is not a CSV or Excel file.")
DAMAGED = N_("This spreadsheet could not be opened. It may be damaged or password-protected.")
NO_HEADER = N_("The file has no header row with column names.")
HEADER_LOOKS_LIKE_DATA = N_(
    "The first row must hold the column names, but it looks like data: {cell}"
)


@dataclass
class Table:
    """A file's header and its non-blank rows, as text; ``numbers`` are spreadsheet row numbers."""

    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]
    file_name: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # encoding, delimiter or sheet

    def records(self) -> Iterator[tuple[int, list[str]]]:
        return zip(self.numbers, self.rows, strict=True)

    def as_dicts(self, limit: int | None = None) -> list[dict[str, str]]:
        rows = self.rows if limit is None else self.rows[:limit]
        return [dict(zip(self.headers, row, strict=True)) for row in rows]


def read_path(path: str | Path) -> Table:
    """``read_table`` for a file on disk (the CLI)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(N_("The file could not be opened: {error}"), error=str(exc)) from exc
    return read_table(data, path.name)


def read_table(data: bytes, file_name: str = "") -> Table:
    """The header and rows of a CSV or spreadsheet file (see the module rules)."""
    suffix = Path(file_name).suffix.lower()
    if data.startswith((_ZIP, _OLE)) or suffix in _SPREADSHEET_SUFFIXES:
        grid, notes = _spreadsheet_rows(data), {"sheet": "1"}
    else:
        text, encoding = decode(data)
        if suffix not in _TEXT_SUFFIXES or text.lstrip().startswith(_NOT_CSV_STARTS):
            raise UnreadableFile(NOT_A_TABLE)
        delimiter = sniff_delimiter(text)
        grid = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        notes = {"encoding": encoding, "delimiter": delimiter}
    try:
        table = _table(grid, file_name)
    except csv.Error as exc:
        raise UnreadableFile(NOT_A_TABLE) from exc
    table.notes = notes
    return table


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) by byte-order mark, else UTF-8, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # a binary file, or UTF-16 without its mark
            break
        return text, encoding
    raise UnreadableFile(NOT_A_TABLE)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, and most even, columns."""
    sample = io.StringIO(text[:65536], newline="")
    lines = [line for _, line in zip(range(_SNIFF_LINES), sample, strict=False) if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delimiter) if any(r)]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        # rows as wide as the header count most (a last line may be cut by the 64 KiB sample)
        score = (sum(w == widths[0] for w in widths), widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _spreadsheet_rows(data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise UnreadableFile(DAMAGED) from exc
    return [[cell_text(c) for c in row] for row in rows]


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees (dates as ISO, 12.0 as "12")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _table(grid: Iterable[list[Any]], file_name: str) -> Table:
    headers: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, raw in enumerate(grid, start=1):
        cells = [str(c) if c is not None else "" for c in raw]
        if not any(c.strip() for c in cells):
            continue
        if headers is None:
            headers = _header(cells)
            continue
        width = len(headers)
        rows.append((cells + [""] * width)[:width])
        numbers.append(number)
    if headers is None:
        raise UnreadableFile(NO_HEADER)
    return Table(headers=headers, rows=rows, numbers=numbers, file_name=file_name)


def _header(cells: list[str]) -> list[str]:
    """Column names: trimmed, blank ones named by position, repeats numbered."""
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    out: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, start=1):
        name = " ".join(cell.replace("\ufeff", "").split()) or f"Column {i}"
        if "@" in name and "." in name.split("@")[-1] and " " not in name:
            raise UnreadableFile(HEADER_LOOKS_LIKE_DATA, cell=name)
        base, n = name, 2
        while name.casefold() in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name.casefold())
        out.append(name)
    return out
