#!/usr/bin/env python3
"""Translation catalogs: extract message ids from the code and keep the .po files in step.

    python scripts/i18n.py extract   # write crm_app/locales/messages.pot, merge into every .po
    python scripts/i18n.py check     # list untranslated messages per language (exit 1 if any)

Marked text: T("…") in components, N_("…") for messages defined in services and states,
ngettext(singular, plural, n, locale) (or its local alias ``n``) for plurals.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "crm_app"
LOCALES = SOURCE / "locales"
LANGS = ["et", "he", "fa", "hy"]
KEYWORDS = {"T": None, "N_": None, "NP_": (1, 2), "ngettext": (1, 2), "n": (1, 2)}


def extract() -> Catalog:
    pot = Catalog(project="Rapport", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    ):
        if isinstance(message, tuple) and message[1] is None:
            message = message[0]
        if not message or (isinstance(message, tuple) and not all(message)):
            continue
        pot.add(
            message,
            locations=[(f"crm_app/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return pot


def _po(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


def write(pot: Catalog) -> None:
    LOCALES.mkdir(parents=True, exist_ok=True)
    with (LOCALES / "messages.pot").open("wb") as fh:
        write_po(fh, pot, width=100, omit_header=False, sort_output=True)
    for lang in LANGS:
        path = _po(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as fh:
                cat = read_po(fh, locale=lang)
        else:
            cat = Catalog(locale=lang, project="Rapport", charset="utf-8")
        cat.update(pot, no_fuzzy_matching=True)
        cat.obsolete.clear()
        with path.open("wb") as fh:
            write_po(fh, cat, width=100, sort_output=True, ignore_obsolete=True)


def untranslated(lang: str, pot: Catalog) -> list[str]:
    path = _po(lang)
    if not path.exists():
        return [str(m.id) for m in pot if m.id]
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    missing = []
    for msg in pot:
        if not msg.id:
            continue
        got = cat.get(msg.id)
        strings = got.string if got is not None else None
        done = (
            got is not None
            and not got.fuzzy
            and (all(strings) if isinstance(strings, tuple | list) else bool(strings))
        )
        if not done:
            missing.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return missing


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    pot = extract()
    if command == "extract":
        write(pot)
        print(f"{len(pot)} messages → crm_app/locales/messages.pot and {', '.join(LANGS)}")
        return 0
    bad = 0
    for lang in LANGS:
        missing = untranslated(lang, pot)
        bad += len(missing)
        print(f"{lang}: {len(pot) - len(missing)}/{len(pot)} translated")
        for m in missing:
            print(f"   missing: {m}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
