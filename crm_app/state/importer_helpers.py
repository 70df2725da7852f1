"""What the import wizard's state needs besides the state itself: the kinds of records it
imports, its messages and limits, the private upload folder, and pure functions that turn
a file and an import's result into rows for the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm_app import settings
from crm_app.services import downloads, i18n, importing
from crm_app.services.i18n import N_, NP_
from crm_app.services.importing import ticket_values
from crm_app.services.permissions import Perm

MAX_BYTES = 25 * 1024 * 1024
KEEP_S = 3600
SKIP = "__skip__"  # "don't import this column" (a select item cannot have an empty value)
CREATE = "__create__"  # "new custom field" for an unmapped column


@dataclass(frozen=True)
class Kind:
    """What one kind of record's import needs: the permission to import it, and whether an
    unmapped column can become a new custom field of it."""

    perm: Perm
    custom_fields: bool = True


KINDS = {
    "contact": Kind(Perm.CONTACTS_WRITE),
    "company": Kind(Perm.COMPANIES_WRITE),
    "deal": Kind(Perm.DEALS_WRITE_ANY, custom_fields=False),  # it may update anyone's deal
    "ticket": Kind(Perm.TICKETS_WRITE, custom_fields=False),
}
ENTITIES = tuple(KINDS)
STEPS = ("upload", "map", "checked", "done")
NO_FILE = N_("Choose a CSV or Excel (.xlsx) file first.")
TOO_BIG = N_("The file is larger than 25 MB. Split it into smaller files.")
UNDONE = N_("The last import was undone: {removed} removed, {restored} restored.")
DENIED = N_("Your role does not allow this.")


def upload_folder() -> Path:
    """Uploaded files wait here (never in Reflex's public upload folder) for an hour at most."""
    path = settings.DATA_DIR / "imports"
    path.mkdir(parents=True, exist_ok=True)
    downloads.purge_older(path, KEEP_S)
    return path


def perm_for(entity: str) -> Perm:
    return KINDS[entity].perm if entity in KINDS else Perm.USERS_MANAGE


def has_custom_fields(entity: str) -> bool:
    return entity in KINDS and KINDS[entity].custom_fields


# -- the mapping ----------------------------------------------------------------------------
def column_samples(table: importing.Table) -> list[dict[str, str]]:
    """One entry per column: its header and up to three of its non-empty cells."""
    samples: dict[str, list[str]] = {h: [] for h in table.headers}
    for row in table.rows:
        for header, cell in zip(table.headers, row, strict=False):
            if cell.strip() and len(samples[header]) < 3:
                samples[header].append(cell.strip()[:40])
    return [{"header": h, "samples": " · ".join(samples[h])} for h in table.headers]


def chosen_mapping(mapping: dict[str, str]) -> dict[str, str]:
    """The mapping as the import service takes it: "" for a skipped or new-field column."""
    return {h: ("" if f in (SKIP, CREATE) else f) for h, f in mapping.items()}


# -- the result -----------------------------------------------------------------------------
def summary_text(summary: dict[str, Any], locale: str) -> str:
    parts = [
        i18n.ngettext(*NP_("{n} created", "{n} created"), int(summary.get("created", 0)), locale),
        i18n.ngettext(*NP_("{n} updated", "{n} updated"), int(summary.get("updated", 0)), locale),
        i18n.ngettext(
            *NP_("{n} unchanged", "{n} unchanged"),
            int(summary.get("unchanged", 0)),
            locale,
        ),
    ]
    rejected = summary.get("rejected", 0)
    n = len(rejected) if isinstance(rejected, list) else int(rejected or 0)
    parts.append(i18n.ngettext(*NP_("{n} rejected", "{n} rejected"), n, locale))
    return " · ".join(parts)


def result_counts(result: importing.ImportResult) -> dict[str, Any]:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": len(result.rejected),
        "merged": result.merged,
        "companies_created": result.companies_created,
        "custom_fields_created": result.custom_fields_created,
        "rows": result.rows,
        "dry_run": result.dry_run,
    }


def problem_rows(problems: list[Any], column_of: dict[str, str], locale: str) -> list[dict]:
    """Rejections or warnings for the page: the first 200, naming the file's column."""
    return [
        {
            "row": i18n.localize_digits(str(p.row), locale),
            "field": column_of.get(p.field, p.field),
            "reason": reason_text(p, locale),
        }
        for p in problems[:200]
    ]


def substitution_rows(
    substitutions: list[dict[str, Any]], column_of: dict[str, str], locale: str
) -> list[dict[str, str]]:
    """Tickets' status / priority / channel cells that matched nothing, and the value used."""
    return [
        {
            "row": i18n.localize_digits(str(s["row"]), locale),
            "field": column_of.get(s["field"], s["field"]),
            "value": s["value"],
            "used": i18n.gettext(ticket_values.label(s["field"], s["used"]), locale),
        }
        for s in substitutions[:200]
    ]


def reason_text(problem: Any, locale: str) -> str:
    """A rejection's reason in the reader's language (some name what the row wrote)."""
    message = getattr(problem, "message", "")
    if message:
        return i18n.format_message(message, locale, **getattr(problem, "params", {}))
    return i18n.gettext(problem.reason, locale)
