"""Which column fills which field: suggestions from the header, then the caller's choices.

Rules:
- Headers are compared without case, accents, spaces and punctuation ("E-mail 1 - Value" is
  "email1value"). A header that is a field's known spelling maps to it; one that names an
  existing custom field (label or key) maps to ``custom:<key>``; failing both, a header with an
  exporter's prefix ("Person - ", "Contact ", "Organization - ") is tried without it.
- Each field takes one column: better spellings win ("Job Title" over Outlook's "Title",
  which there means "Mr." or "Ms."), then the leftmost column.
- The caller's mapping (header → field, "" to skip) overrides every suggestion; a column the
  caller names in ``create_fields`` becomes a text custom field with the header as its label
  (an existing field with that label or key is reused instead).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crm_app.models import CustomField

from ..custom_fields import slug
from ..i18n import N_
from .fields import CUSTOM_PREFIX, entity_of, fields_for
from .problems import MappingError

SKIP = ""
_PREFIXES = {
    "contact": ("person", "contact", "lead", "customer"),
    "company": ("organization", "organisation", "company", "account"),
    "deal": ("deal", "opportunity"),
    "ticket": ("ticket", "case", "request", "issue"),
}
_CUSTOM_RANK = 1_000
_PREFIXED_RANK = 2_000

UNKNOWN_COLUMN = N_("The file has no column “{column}”.")
UNKNOWN_FIELD = N_("“{field}” is not a field you can import into.")
FIELD_TWICE = N_("“{field}” is chosen for both “{first}” and “{second}”.")
NO_NAME = N_("Use at least one letter or digit in the name.")
ARCHIVED = N_("An archived field has this name. Restore it or choose another name.")


@dataclass
class MappingPlan:
    """header → field ("" = skipped) for every column, and the custom fields to define."""

    mapping: dict[str, str]
    new_fields: dict[str, str] = field(default_factory=dict)  # key → label

    def columns_of(self, name: str) -> list[str]:
        return [h for h, f in self.mapping.items() if f == name]

    def unmapped(self) -> list[str]:
        return [h for h, f in self.mapping.items() if not f]


def normalize_header(text: str) -> str:
    """ "E-mail 1 - Value" → "email1value": no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def _strip_prefix(norm: str, entity: str) -> str:
    for prefix in _PREFIXES[entity_of(entity)]:
        if norm.startswith(prefix) and len(norm) > len(prefix):
            return norm[len(prefix) :]
    return norm


def _known_spellings(entity: str, customs: Iterable[CustomField]) -> dict[str, tuple[int, str]]:
    """normalised spelling → (rank, field); lower ranks are better spellings."""
    known: dict[str, tuple[int, str]] = {}
    for spec in fields_for(entity):
        for rank, header in enumerate(spec.headers):
            known.setdefault(normalize_header(header), (rank, spec.name))
    for custom in customs:
        if custom.archived:
            continue
        for spelling in (custom.label, custom.key):
            known.setdefault(normalize_header(spelling), (_CUSTOM_RANK, CUSTOM_PREFIX + custom.key))
    return known


def suggest_mapping(
    entity: str, headers: list[str], customs: Iterable[CustomField] = ()
) -> dict[str, str]:
    """header → suggested field, or "" when no field fits (see the module rules)."""
    known = _known_spellings(entity, list(customs))
    candidates: list[tuple[int, int, str, str]] = []  # (rank, column, header, field)
    for column, header in enumerate(headers):
        norm = normalize_header(header)
        if norm in known:
            rank, name = known[norm]
        elif (bare := _strip_prefix(norm, entity)) in known:
            rank, name = known[bare]
            rank += _PREFIXED_RANK
        else:
            continue
        candidates.append((rank, column, header, name))
    out = {h: SKIP for h in headers}
    taken: set[str] = set()
    for _rank, _column, header, name in sorted(candidates):
        if name not in taken:
            out[header] = name
            taken.add(name)
    return out


def _find_header(headers: list[str], wanted: str) -> str:
    if wanted in headers:
        return wanted
    folded = {h.casefold(): h for h in headers}
    found = folded.get(str(wanted).strip().casefold())
    if found is None:
        raise MappingError(UNKNOWN_COLUMN, column=str(wanted))
    return found


def targets(entity: str, customs: Iterable[CustomField]) -> set[str]:
    """Every field a column may map to."""
    names = {f.name for f in fields_for(entity)}
    return names | {CUSTOM_PREFIX + c.key for c in customs if not c.archived}


def resolve_mapping(
    entity: str,
    headers: list[str],
    customs: list[CustomField],
    overrides: Mapping[str, str] | None = None,
    create_fields: Iterable[str] = (),
) -> MappingPlan:
    """The mapping to import with: suggestions, the caller's overrides, new custom fields.

    Raises ``MappingError`` for an unknown column or field, or a field chosen twice.
    """
    allowed = targets(entity, customs)
    chosen: dict[str, str] = {}
    for raw_header, raw_field in (overrides or {}).items():
        header = _find_header(headers, raw_header)
        name = str(raw_field or "").strip()
        if name and name not in allowed:
            raise MappingError(UNKNOWN_FIELD, field=name)
        chosen[header] = name
    new_fields: dict[str, str] = {}
    for raw_header in create_fields:
        header = _find_header(headers, raw_header)
        name, label = _custom_target(header, customs)
        if name is None:
            key = slug(header)
            if not key:
                raise MappingError(NO_NAME)
            name = CUSTOM_PREFIX + key
            new_fields[key] = label
        chosen[header] = name
    _no_field_twice(chosen)
    taken = {f for f in chosen.values() if f}
    mapping = {}
    for header, suggested in suggest_mapping(entity, headers, customs).items():
        if header in chosen:
            mapping[header] = chosen[header]
        elif suggested and suggested not in taken:
            mapping[header] = suggested
            taken.add(suggested)
        else:
            mapping[header] = SKIP
    return MappingPlan(mapping=mapping, new_fields=new_fields)


def _custom_target(header: str, customs: list[CustomField]) -> tuple[str | None, str]:
    """An existing custom field named like ``header`` (by label or key), else (None, label)."""
    label = " ".join(header.split())[:100]
    for custom in customs:
        if custom.label.casefold() == label.casefold() or custom.key == slug(label):
            if custom.archived:
                raise MappingError(ARCHIVED)
            return CUSTOM_PREFIX + custom.key, custom.label
    return None, label


def _no_field_twice(chosen: Mapping[str, str]) -> None:
    first_of: dict[str, str] = {}
    for header, name in chosen.items():
        if not name:
            continue
        if name in first_of:
            raise MappingError(FIELD_TWICE, field=name, first=first_of[name], second=header)
        first_of[name] = header
