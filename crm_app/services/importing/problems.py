"""What stops an import before it writes anything: each carries an English msgid for the UI.

The UI shows ``i18n.format_message(exc.message, locale, **exc.values)``; ``str(exc)`` is the
English sentence the CLI prints.
"""

from __future__ import annotations

from ..i18n import N_


class ImportProblem(Exception):
    """Base class: ``message`` is a msgid with ``{placeholders}`` filled from ``values``."""

    def __init__(self, message: str, **values: str):
        self.message = message
        self.values = values
        super().__init__(message.format(**values) if values else message)


class UnreadableFile(ImportProblem):
    """Not a CSV or XLSX file, a damaged one, or one without a header row."""


class MappingError(ImportProblem):
    """The caller's mapping names an unknown column or field, or one field twice."""


class AmbiguousDates(ImportProblem):
    """A date column reads both day-first and month-first: the caller must pick one."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        super().__init__(
            N_(
                "The dates in {columns} can be read day-first or month-first. "
                "Choose how to read them."
            ),
            columns=", ".join(f"“{c}”" for c in columns),
        )


class NothingToUndo(ImportProblem):
    """There is no import of this kind left to undo."""
