"""Importing contacts and companies from CSV and Excel files (issue 5).

The UI and the CLI call these; each step is its own module:
``reading`` (file → header and rows) → ``mapping`` (header → field) → ``dates`` / ``values``
(cells → clean values) → ``rows`` → ``contact_import`` / ``company_import`` (match, plan,
write) → ``engine`` (the run, the batch kept for undo) → ``undo``, ``rejected``.
"""

from .dates import DAY_FIRST, MONTH_FIRST, DateColumn
from .engine import Analysis, ImportResult, analyse, field_choices, run_import
from .fields import COMPANY_FIELDS, CONTACT_FIELDS, ImportField, entity_of, field_names, fields_for
from .mapping import normalize_header, suggest_mapping
from .problems import AmbiguousDates, ImportProblem, MappingError, NothingToUndo, UnreadableFile
from .reading import Table, read_path, read_table
from .rejected import batch_rejected_csv, rejected_rows_csv
from .rows import Rejection
from .undo import UndoResult, last_import, undo_last_import

__all__ = [
    "COMPANY_FIELDS",
    "CONTACT_FIELDS",
    "DAY_FIRST",
    "MONTH_FIRST",
    "AmbiguousDates",
    "Analysis",
    "DateColumn",
    "ImportField",
    "ImportProblem",
    "ImportResult",
    "MappingError",
    "NothingToUndo",
    "Rejection",
    "Table",
    "UndoResult",
    "UnreadableFile",
    "analyse",
    "batch_rejected_csv",
    "entity_of",
    "field_choices",
    "field_names",
    "fields_for",
    "last_import",
    "normalize_header",
    "read_path",
    "read_table",
    "rejected_rows_csv",
    "run_import",
    "suggest_mapping",
    "undo_last_import",
]
