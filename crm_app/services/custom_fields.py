"""Custom fields: their definitions, typing what people type, and filtering/sorting on them.

Rules:
- A field belongs to contacts or companies; its ``key`` is the slug of its first label and
  never changes (stored values are keyed by it), so renaming a field keeps its data.
- Keys and labels are unique per entity; a field is archived, never deleted, so values and
  saved filters that name it keep working.
- Values are stored typed in the record's ``custom_fields`` JSON: number → int or float,
  date → ISO ``YYYY-MM-DD`` text, checkbox → bool, select → one of the options, text → text.
  An empty value removes the key.
- Filters and sorts use ``dialect.json_fields`` (the only JSON SQL); an operator must suit the
  field's type, else ``ValidationError``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import Session

from crm_app.models import CustomField, FieldType

from . import writes
from .dialect import json_fields
from .errors import NotFound, ValidationError
from .i18n import N_

ENTITIES = ("contact", "company")
MAX_TEXT = 500
MAX_OPTIONS = 100
_PRESENCE = ("is_set", "is_empty")
OPS: dict[str, tuple[str, ...]] = {
    FieldType.TEXT: ("eq", "ne", "contains", *_PRESENCE),
    FieldType.NUMBER: ("eq", "ne", "gt", "lt", *_PRESENCE),
    FieldType.DATE: ("eq", "ne", "before", "after", *_PRESENCE),
    FieldType.SELECT: ("eq", "ne", *_PRESENCE),
    FieldType.CHECKBOX: ("is_true", "is_false", *_PRESENCE),
}
_TRUE = {"1", "true", "on", "yes", "y"}
_FALSE = {"0", "false", "off", "no", "n", ""}
_GROUPED = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")

ENTER_NUMBER = N_("Enter a number.")
ENTER_DATE = N_("Enter a valid date.")
CHOOSE_OPTION = N_("Choose one of the options.")
TOO_LONG = N_("Use at most 500 characters.")
UNKNOWN_FIELD = N_("This custom field does not exist.")
BAD_OPERATOR = N_("This condition does not apply to this kind of field.")


class Condition(Protocol):
    key: str
    op: str
    value: str | None


# -- definitions ---------------------------------------------------------------------------
def slug(label: str) -> str:
    """``"Annual budget (€)"`` → ``"annual_budget"``; letters of any script are kept."""
    text = unicodedata.normalize("NFKC", label or "").casefold()
    return re.sub(r"[^\w]+", "_", text).strip("_")[:50]


def _clean_options(options: list[str] | None, errors: dict[str, str]) -> list[str]:
    out: list[str] = []
    for option in options or []:
        text = str(option).strip()
        if text and text.casefold() not in {o.casefold() for o in out}:
            out.append(text)
    if not out:
        errors["options"] = N_("Add at least one option.")
    elif len(out) > MAX_OPTIONS or any(len(o) > 100 for o in out):
        errors["options"] = N_("Use at most 100 options of at most 100 characters each.")
    return out


def _check_label(
    session: Session, entity: str, label: str, errors: dict[str, str], *, skip_id: int | None
) -> None:
    if not label:
        errors["label"] = N_("Enter a name for the field.")
        return
    if len(label) > 100:
        errors["label"] = N_("Use at most 100 characters.")
        return
    for other in list_fields(session, entity, include_archived=True):
        if other.id != skip_id and (
            other.key == slug(label) or other.label.casefold() == label.casefold()
        ):
            errors["label"] = (
                N_("An archived field has this name. Restore it or choose another name.")
                if other.archived
                else N_("A field with this name already exists.")
            )


def define(
    session: Session,
    *,
    entity: str,
    label: str,
    field_type: str,
    options: list[str] | None = None,
    actor_id: int | None,
) -> CustomField:
    """Add a field to contacts or companies; a select needs at least one option."""
    errors: dict[str, str] = {}
    label = (label or "").strip()
    if entity not in ENTITIES:
        errors["entity"] = N_("Choose contacts or companies.")
    if field_type not in set(FieldType):
        errors["field_type"] = N_("Choose a field type.")
    if entity in ENTITIES:
        _check_label(session, entity, label, errors, skip_id=None)
    if "label" not in errors and not slug(label):
        errors["label"] = N_("Use at least one letter or digit in the name.")
    clean = _clean_options(options, errors) if field_type == FieldType.SELECT else []
    if errors:
        raise ValidationError(errors)
    position = session.execute(
        sa.select(sa.func.max(CustomField.position)).where(CustomField.entity == entity)
    ).scalar()
    field = CustomField(
        entity=entity,
        key=slug(label),
        label=label,
        field_type=field_type,
        options=clean,
        position=(position or 0) + 1,
    )
    return writes.create(session, field, actor_id=actor_id)


def get_field(session: Session, field_id: int) -> CustomField:
    field = session.get(CustomField, field_id)
    if field is None:
        raise NotFound(field_id)
    return field


def update_definition(
    session: Session,
    field_id: int,
    *,
    label: str | None = None,
    options: list[str] | None = None,
    position: int | None = None,
    archived: bool | None = None,
    actor_id: int | None,
) -> CustomField:
    """Rename, re-order, change a select's options, archive or restore; key and type stay."""
    field = get_field(session, field_id)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if label is not None:
        changes["label"] = label.strip()
        _check_label(session, field.entity, changes["label"], errors, skip_id=field.id)
    if options is not None and field.field_type == FieldType.SELECT:
        changes["options"] = _clean_options(options, errors)
    if position is not None:
        changes["position"] = int(position)
    if archived is not None:
        changes["archived"] = bool(archived)
    if errors:
        raise ValidationError(errors)
    writes.update(session, field, changes, actor_id=actor_id)
    return field


def archive(session: Session, field_id: int, actor_id: int | None) -> CustomField:
    """Hide a field from forms and lists; its stored values stay and can be filtered on."""
    return update_definition(session, field_id, archived=True, actor_id=actor_id)


def list_fields(session: Session, entity: str, include_archived: bool = False) -> list[CustomField]:
    query = sa.select(CustomField).where(CustomField.entity == entity)
    if not include_archived:
        query = query.where(CustomField.archived == sa.false())
    query = query.order_by(CustomField.position, CustomField.id)
    return list(session.execute(query).scalars())


def definitions(session: Session, entity: str) -> dict[str, CustomField]:
    """Every field of ``entity`` by key, archived ones included."""
    return {f.key: f for f in list_fields(session, entity, include_archived=True)}


# -- typing what people type ----------------------------------------------------------------
def parse_number(raw: Any) -> int | float | None:
    """ "1 200,50", "1,200.50", "1200", 12 → a number; None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return raw
    text = re.sub(r"[\s'_\u00a0\u202f]", "", str(raw or ""))
    if _GROUPED.match(text) and not (text.count(".") == 1 and "," not in text):
        text = text.replace(",", "").replace(".", "")
    elif "," in text and "." in text:
        mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if mark == "," else ",", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d{1,15}(\.\d{1,10})?", text):
        return None
    value = float(text)
    return int(value) if "." not in text else value


def parse_date(raw: Any) -> str | None:
    if isinstance(raw, date):
        return raw.isoformat()[:10]
    try:
        return date.fromisoformat(str(raw).strip()[:10]).isoformat()
    except ValueError:
        return None


def _typed(field: CustomField, raw: Any) -> tuple[Any, str | None]:
    """(value, error message) for one submitted value of ``field``."""
    text = "" if raw is None else str(raw).strip()
    kind = field.field_type
    if kind == FieldType.CHECKBOX:
        if isinstance(raw, bool):
            return raw, None
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE, None
        return None, N_("Choose yes or no.")
    if text == "":
        return None, None
    if kind == FieldType.NUMBER:
        number = parse_number(raw)
        return (number, None) if number is not None else (None, ENTER_NUMBER)
    if kind == FieldType.DATE:
        day = parse_date(raw)
        return (day, None) if day else (None, ENTER_DATE)
    if kind == FieldType.SELECT:
        match = next((o for o in field.options if o.casefold() == text.casefold()), None)
        return (match, None) if match is not None else (None, CHOOSE_OPTION)
    return (text, None) if len(text) <= MAX_TEXT else (None, TOO_LONG)


def coerce(
    session: Session, entity: str, raw: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Submitted values (form strings) → typed values, and errors as ``{"custom.<key>": msg}``.

    Keys of unknown or archived fields are left out (so the stored values stay); an empty
    value becomes None, which the caller treats as "remove". A checkbox's "" means unchecked.
    """
    fields = {f.key: f for f in list_fields(session, entity)}
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, submitted in raw.items():
        key = str(name).removeprefix("custom.")
        field = fields.get(key)
        if field is None:
            continue
        value, error = _typed(field, submitted)
        if error:
            errors[f"custom.{key}"] = error
        else:
            values[key] = value
    return values, errors


# -- filtering and sorting ------------------------------------------------------------------
def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def conditions(
    session: Session, entity: str, column: Any, filters: list[Any]
) -> list[ColumnElement[bool]]:
    """The SQL for custom-field filters on ``column`` (the entity's ``custom_fields``).

    A comparison still without a value is skipped (someone is still typing it, as with the
    other filters); an unknown field, an operator that does not suit the field's type, or a
    value that is not a number or date raises ``ValidationError`` on ``custom.<key>``.
    """
    found = [condition(session, entity, column, f) for f in filters]
    return [c for c in found if c is not None]


def condition(
    session: Session, entity: str, column: Any, flt: Condition
) -> ColumnElement[bool] | None:
    """The SQL for one custom-field filter; None when its comparison has no value yet."""
    field = definitions(session, entity).get(flt.key)
    where = f"custom.{flt.key}"
    if field is None:
        raise ValidationError({where: UNKNOWN_FIELD})
    if flt.op not in OPS.get(field.field_type, ()):
        raise ValidationError({where: BAD_OPERATOR})
    js = json_fields.for_session(session)
    if flt.op in _PRESENCE:
        present = js.present(column, field.key)
        return present if flt.op == "is_set" else sa.not_(present)
    if flt.op in ("is_true", "is_false"):
        true = js.is_true(column, field.key)
        return true if flt.op == "is_true" else sa.not_(true)
    value: Any = (flt.value or "").strip()
    if value == "":
        return None
    kind = field.field_type
    if kind == FieldType.NUMBER:
        value, stored = parse_number(value), js.number(column, field.key)
        if value is None:
            raise ValidationError({where: ENTER_NUMBER})
    elif kind == FieldType.DATE:
        value, stored = parse_date(value), js.text(column, field.key)
        if value is None:
            raise ValidationError({where: ENTER_DATE})
    elif kind == FieldType.TEXT:
        value, stored = value.lower(), sa.func.lower(js.text(column, field.key))
    else:
        stored = js.text(column, field.key)
    if flt.op == "contains":
        return stored.like(f"%{_escape_like(value)}%", escape="\\")
    if flt.op == "ne":  # "is not X" includes the records without a value
        return sa.or_(stored.is_(None), stored != value)
    ops = {"eq": "__eq__", "gt": "__gt__", "after": "__gt__", "lt": "__lt__", "before": "__lt__"}
    return getattr(stored, ops[flt.op])(value)  # no value (NULL) never compares true


def sort_value(
    session: Session, entity: str, column: Any, key: str
) -> tuple[ColumnElement[bool], ColumnElement[Any]] | None:
    """(has a value, the value to order by) for ``custom:<key>``; None for an unknown key."""
    field = definitions(session, entity).get(key)
    if field is None:
        return None
    js = json_fields.for_session(session)
    kind = field.field_type
    if kind == FieldType.NUMBER:
        return js.number(column, key).is_not(None), js.number(column, key)
    if kind == FieldType.CHECKBOX:
        return js.present(column, key), sa.case((js.is_true(column, key), 1), else_=0)
    if kind == FieldType.TEXT:
        return js.present(column, key), sa.func.lower(js.text(column, key))
    return js.present(column, key), js.text(column, key)
