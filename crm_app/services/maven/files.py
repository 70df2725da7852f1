"""Reading the four CSV files of the Maven Analytics "CRM Sales Opportunities" export.

The files are messy on purpose: ``technolgy`` for technology, ``GTXPro`` for ``GTX Pro``,
country names with typos, empty accounts and dates on open deals. Reading keeps the raw
text; the importers decide, and report what they reconciled.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale

from ..errors import ValidationError
from ..i18n import N_

FILES = {
    "accounts": ("accounts.csv", ("account", "sector", "revenue", "employees", "office_location")),
    "products": ("products.csv", ("product", "series", "sales_price")),
    "teams": ("sales_teams.csv", ("sales_agent", "manager", "regional_office")),
    "pipeline": (
        "sales_pipeline.csv",
        (
            "opportunity_id",
            "sales_agent",
            "product",
            "account",
            "deal_stage",
            "engage_date",
            "close_date",
            "close_value",
        ),
    ),
}
SECTOR_FIXES = {"technolgy": "technology"}
# Country names of the export that are not (English) country names.
COUNTRY_ALIASES = {"philipines": "PH", "korea": "KR", "unitedstates": "US", "usa": "US"}


@dataclass
class Problem:
    file: str
    row: int | None  # 1 = the first data row
    message: str  # a msgid
    value: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "message": self.message, "value": self.value}


@dataclass
class MavenFiles:
    accounts: list[dict[str, str]]
    products: list[dict[str, str]]
    teams: list[dict[str, str]]
    pipeline: list[dict[str, str]]
    problems: list[Problem] = field(default_factory=list)


def norm(text: str | None) -> str:
    """A name for matching: accents, case, spaces and punctuation ignored ("GTX Pro" = "GTXPro")."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def clean(text: str | None) -> str:
    return " ".join(str(text or "").split())


def read(directory: str | Path) -> MavenFiles:
    """The four files as rows of trimmed text; a missing or unreadable file or a missing column
    is a ValidationError."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ValidationError({"directory": N_("This folder does not exist.")})
    tables: dict[str, list[dict[str, str]]] = {}
    for key, (name, needed) in FILES.items():
        path = folder / name
        if not path.is_file():
            raise ValidationError({name: N_("This file is missing from the folder.")})
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in needed if c not in (reader.fieldnames or [])]
                if missing:
                    raise ValidationError({name: N_("A column this import needs is missing.")})
                tables[key] = [{k: clean(v) for k, v in row.items() if k} for row in reader]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ValidationError({name: N_("This file is not UTF-8 CSV text.")}) from exc
    return MavenFiles(tables["accounts"], tables["products"], tables["teams"], tables["pipeline"])


def parse_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse_number(raw: str) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


@cache
def _countries() -> dict[str, str]:
    words = {norm(name): code for code, name in Locale.parse("en").territories.items()}
    words.update(COUNTRY_ALIASES)
    return {k: v for k, v in words.items() if len(v) == 2 and v.isalpha()}


def country_code(raw: str) -> str | None:
    """ISO-3166 alpha-2 for an English country name (or one of the export's misspellings)."""
    if len(raw) == 2 and raw.isalpha():
        return raw.upper()
    return _countries().get(norm(raw))


def is_alias(raw: str) -> bool:
    """The name was not a country's English name but a known misspelling or short form."""
    return norm(raw) in COUNTRY_ALIASES and norm(raw) not in {
        norm(n) for n in Locale.parse("en").territories.values()
    }
