"""Translated text in components, and the document's language and direction.

``T("Dashboard")`` renders the current language's translation of the message id, from the
catalog the state sends when the language changes; it falls back to the English id.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var, VarData

from crm_app.state.base import AppState

# Every message id a page asked for while being built (checked against the catalog in tests,
# which catches ids passed to T() through a variable that extraction cannot see).
USED: set[str] = set()


def T(message: str) -> rx.Var[str]:  # noqa: N802  (short on purpose: it wraps every UI string)
    USED.add(message)
    return AppState.tr.get(message, message).to(str)


class DocumentLanguage(rx.Fragment):
    """Keeps <html lang> and <html dir> in step with the interface language."""

    def add_hooks(self) -> list[str | Var]:
        lang, direction = AppState.locale, AppState.text_dir
        code = (
            "useEffect(() => { "
            f"document.documentElement.lang = {lang._js_expr}; "
            f"document.documentElement.dir = {direction._js_expr}; "
            f"}}, [{lang._js_expr}, {direction._js_expr}]);"
        )
        return [
            Var(
                _js_expr=code,
                _var_data=VarData.merge(
                    lang._get_all_var_data(),
                    direction._get_all_var_data(),
                    VarData(imports={"react": ["useEffect"]}),
                ),
            )
        ]


def document_language() -> rx.Component:
    return DocumentLanguage.create()


class DirectionProvider(rx.Component):
    """Radix's reading-direction context, so menus, selects and tabs follow rtl too."""

    library = "@radix-ui/react-direction@1.2.0"
    tag = "DirectionProvider"
    dir: rx.Var[str]


def localized(*children: rx.Component, document: bool = True, **props) -> rx.Component:
    """The root of every page: document language and direction (unless ``document`` is
    False), Radix direction, dir attr."""
    first = [document_language()] if document else []
    return DirectionProvider.create(
        rx.box(*first, *children, dir=AppState.text_dir, lang=AppState.locale, **props),
        dir=AppState.text_dir,
    )
