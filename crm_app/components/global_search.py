"""The search box in the top bar: opens with "/" or Ctrl+K, results grouped, arrow keys move."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var, VarData

from crm_app.components.i18n import T
from crm_app.state.global_search import GlobalSearchState as G

TRIGGER_ID = "global-search-trigger"

# Opens the dialog on "/" (outside text fields) or Ctrl/Cmd+K; inside it, arrow keys move
# between results (each result is a link, so Enter opens it). Registered once for the app: the
# search sits in the shell, an app wrap (shell.shell_frame).
_KEYS = f"""
useEffect(() => {{
  const onKey = (e) => {{
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName) || e.target.isContentEditable;
    const trigger = document.getElementById("{TRIGGER_ID}");  // none on public pages
    if (trigger && ((e.key === "k" && (e.ctrlKey || e.metaKey)) || (e.key === "/" && !typing))) {{
      e.preventDefault();
      trigger.click();
      return;
    }}
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const items = [...document.querySelectorAll("[data-search-hit]")];
    if (!items.length) return;
    e.preventDefault();
    const at = items.indexOf(document.activeElement);
    const next = e.key === "ArrowDown" ? Math.min(at + 1, items.length - 1) : Math.max(at - 1, 0);
    items[at === -1 ? 0 : next].focus();
  }};
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}}, []);
"""


class SearchKeys(rx.Fragment):
    def add_hooks(self) -> list[str | Var]:
        return [Var(_js_expr=_KEYS, _var_data=VarData(imports={"react": ["useEffect"]}))]


def _hit(h: rx.Var[dict[str, str]], kind: rx.Var[str]) -> rx.Component:
    return rx.cond(
        h["kind"] == kind,
        rx.link(
            rx.box(
                rx.text(h["title"], size="2", weight="medium", dir="auto"),
                rx.text(h["subtitle"], size="1", color="var(--gray-10)", dir="auto"),
                padding="6px 10px",
                border_radius="var(--radius-2)",
                _hover={"background": "var(--accent-3)"},
            ),
            href=h["href"],
            underline="none",
            color="inherit",
            data_search_hit="1",
            display="block",
            _focus={"outline": "2px solid var(--accent-8)", "background": "var(--accent-3)"},
            on_click=G.clear,
        ),
    )


def global_search() -> rx.Component:
    return rx.dialog.root(
        SearchKeys.create(),
        rx.dialog.trigger(
            rx.button(
                rx.icon("search", size=16),
                rx.text(
                    T("Search contacts, companies, deals, tickets…"),
                    size="2",
                    color="var(--gray-10)",
                    white_space="nowrap",
                    overflow="hidden",
                    text_overflow="ellipsis",
                    display=["none", "none", "block"],
                ),
                rx.spacer(),
                rx.code(
                    "Ctrl K",
                    size="1",
                    variant="outline",
                    white_space="nowrap",
                    display=["none", "none", "inline-flex"],
                ),
                id=TRIGGER_ID,
                variant="surface",
                color_scheme="gray",
                width=["40px", "40px", "420px"],
                justify_content="start",
                aria_label=T("Search"),
                data_testid="global-search-open",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(T("Search"), class_name="sr-only"),
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                placeholder=T("Search contacts, companies, deals, tickets…"),
                on_change=G.search,
                debounce_timeout=200,
                auto_focus=True,
                size="3",
                aria_label=T("Search"),
                data_testid="global-search-input",
            ),
            rx.box(
                rx.foreach(
                    G.groups,
                    lambda g: rx.box(
                        rx.text(
                            g["label"],
                            size="1",
                            weight="bold",
                            color="var(--gray-10)",
                            text_transform="uppercase",
                            padding="10px 10px 4px",
                        ),
                        rx.foreach(G.hits, lambda h: _hit(h, g["kind"])),
                    ),
                ),
                rx.cond(
                    G.searched & (G.hits.length() == 0),
                    rx.text(
                        T("Nothing found."), size="2", color="var(--gray-10)", padding="16px 10px"
                    ),
                ),
                max_height="60vh",
                overflow_y="auto",
                margin_top="8px",
            ),
            max_width="560px",
            align="start",
        ),
    )
