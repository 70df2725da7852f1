"""The pipeline board: columns (drop targets) of cards (draggable), with the move-to-stage and
lost-reason dialogs and quick-add.

Cards are plain HTML styled by assets/rapport.css (``rp-kanban-*``): a board of 11 columns ×
20 cards made of Radix components renders too slowly to open within 100 ms. Columns flow in
the document's direction, so under dir=rtl the first stage is on the right.
"""

from __future__ import annotations

import reflex as rx
from reflex_pragmatic_dnd import core as pdnd

from crm_app.components.i18n import T
from crm_app.state.deal_form import DealFormState
from crm_app.state.pipeline import CardView, ColumnView
from crm_app.state.pipeline import PipelineState as S


class _Pdnd(rx.Component):
    """The package's components, imported eagerly: its NoSSR wrappers render nothing until a
    dynamic import resolves, once per instance and level of nesting, which made the board
    appear in several passes after the route."""

    library = pdnd._PdndBase.library
    lib_dependencies: list[str] = pdnd._LIB_DEPS


class DropTarget(_Pdnd):
    tag = "PdndDropTarget"
    drop_id: rx.Var[str]
    target_data: rx.Var[dict]


class Monitor(_Pdnd):
    tag = "PdndMonitor"
    on_drop: rx.EventHandler[lambda e: [e]]


class ScrollContainer(_Pdnd):
    tag = "PdndScrollContainer"
    allowed_axis: rx.Var[str]


# Cards: one effect for the whole board registers every card element (``data-dnd-card``) as a
# draggable (when ``data-editable``) and as a drop target with its closest edge, the same
# registrations the package's Draggable and DropTarget make, without two React components per
# card (240 of them cost ~25 ms of script when the board mounts). The package's monitor reads
# the drop; a MutationObserver follows cards as React adds and removes them.
_CARDS_JS = """
function RapportCardDnd({ children, ...props }) {
  const ref = useRef(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return undefined;
    const live = new Map();
    const mark = (el, name, value) => {
      if (el.getAttribute(name) !== value) el.setAttribute(name, value);
    };
    const data = (el) => ({ dealId: el.dataset.dealId, stageId: el.dataset.stageId });
    const register = (el) => {
      const parts = [
        dropTargetForElements({
          element: el,
          getData: ({ input, element }) => attachClosestEdge(
            { kind: "card", ...data(el) }, { input, element, allowedEdges: ["top", "bottom"] },
          ),
          onDragEnter: ({ self }) => mark(el, "data-closest-edge", extractClosestEdge(self.data) ?? ""),
          onDrag: ({ self }) => mark(el, "data-closest-edge", extractClosestEdge(self.data) ?? ""),
          onDragLeave: () => mark(el, "data-closest-edge", ""),
          onDrop: () => mark(el, "data-closest-edge", ""),
        }),
      ];
      if (el.dataset.editable === "true") {
        parts.push(draggable({
          element: el,
          getInitialData: () => data(el),
          onDragStart: () => mark(el, "data-dragging", "true"),
          onDrop: () => mark(el, "data-dragging", "false"),
        }));
      }
      return combine(...parts);
    };
    const sync = () => {
      const seen = new Set();
      for (const el of root.querySelectorAll("[data-dnd-card]")) {
        seen.add(el);
        const key = el.dataset.editable ?? "";
        const have = live.get(el);
        if (have && have.key === key) continue;
        have?.cleanup();
        live.set(el, { key, cleanup: register(el) });
      }
      for (const [el, have] of live) {
        if (!seen.has(el)) { have.cleanup(); live.delete(el); }
      }
    };
    sync();
    const observer = new MutationObserver(sync);
    observer.observe(root, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["data-editable"],
    });
    return () => {
      observer.disconnect();
      for (const have of live.values()) have.cleanup();
      live.clear();
    };
  }, []);
  return createElement("div", { ref, ...props }, children);
}
"""


class CardDnd(rx.Component):
    tag = "RapportCardDnd"
    lib_dependencies: list[str] = pdnd._LIB_DEPS

    def add_imports(self):
        return {
            "react": ["useEffect", "useRef", "createElement"],
            "@atlaskit/pragmatic-drag-and-drop/adapter/element-adapter": [
                "draggable",
                "dropTargetForElements",
            ],
            "@atlaskit/pragmatic-drag-and-drop/utils/combine": ["combine"],
            "@atlaskit/pragmatic-drag-and-drop-hitbox/closest-edge/attach-closest-edge": [
                "attachClosestEdge"
            ],
            "@atlaskit/pragmatic-drag-and-drop-hitbox/closest-edge/extract-closest-edge": [
                "extractClosestEdge"
            ],
        }

    def add_custom_code(self) -> list[str]:
        return [_CARDS_JS]


@rx.memo
def deal_card(
    deal_id: rx.Var[str],
    stage_id: rx.Var[str],
    title: rx.Var[str],
    company: rx.Var[str],
    value: rx.Var[str],
    owner: rx.Var[str],
    initials: rx.Var[str],
    days: rx.Var[str],
    task: rx.Var[str],
    task_when: rx.Var[str],
    task_exact: rx.Var[str],
    overdue: rx.Var[bool],
    editable: rx.Var[bool],
    rest: rx.RestProp,
) -> rx.Component:
    """One card: plain HTML, memoised on its (plain) values, so a change elsewhere on the
    board does not render it again; draggable (by ``CardDnd``) when the caller may edit it."""
    return rx.el.div(
        rx.el.div(
            rx.el.button(title, type="button", class_name="rp-kanban-title", dir="auto"),
            rx.cond(
                editable,
                rx.el.button(
                    type="button",
                    class_name="rp-kanban-move",
                    aria_label=T("Move to stage"),
                    title=T("Move to stage"),
                    on_click=[rx.stop_propagation, S.open_move(deal_id)],
                    data_testid="move-to-stage",
                ),
            ),
            class_name="rp-kanban-card-head",
        ),
        rx.cond(company != "", rx.el.div(company, class_name="rp-kanban-company", dir="auto")),
        rx.el.div(
            rx.el.span(value, class_name="rp-kanban-value"),
            rx.el.span(days, class_name="rp-kanban-days", title=T("Time in this stage")),
            rx.cond(initials != "", rx.el.span(initials, class_name="rp-avatar", title=owner)),
            class_name="rp-kanban-row",
        ),
        rx.cond(
            task != "",
            rx.el.div(
                rx.cond(overdue, rx.el.span(T("Overdue"), class_name="sr-only")),
                rx.el.span(task, class_name="rp-kanban-task-title", dir="auto"),
                rx.el.span(task_when, title=task_exact, class_name="rp-kanban-when"),
                class_name="rp-kanban-task",
                title=rx.cond(overdue, T("Overdue"), T("Next task")),
                data_overdue=overdue.to_string(),
            ),
        ),
        class_name="rp-kanban-card",
        on_click=DealFormState.open_edit(deal_id),
        custom_attrs={
            "data-testid": "deal-card",
            "data-deal-id": deal_id,
            "data-stage-id": stage_id,
            "data-editable": editable.to_string(),
            "data-dnd-card": "",
        },
    )


def kanban_card(card: rx.Var[CardView], stage_id: rx.Var[str]) -> rx.Component:
    return deal_card(
        deal_id=card.id,
        stage_id=stage_id,
        title=card.title,
        company=card.company,
        value=card.value,
        owner=card.owner,
        initials=card.initials,
        days=card.days,
        task=card.task,
        task_when=card.task_when,
        task_exact=card.task_exact,
        overdue=card.overdue,
        editable=card.editable,
        key=card.id,
    )


def _column_head(col: rx.Var[ColumnView]) -> rx.Component:
    return rx.el.header(
        rx.el.div(
            rx.match(
                col.kind,
                ("won", rx.icon("trophy", size=14, class_name="rp-kanban-kind")),
                ("lost", rx.icon("circle-x", size=14, class_name="rp-kanban-kind")),
                rx.fragment(),
            ),
            rx.el.h2(col.name, class_name="rp-kanban-name", title=col.name),
            rx.cond(
                col.kind == "open",
                rx.el.span(
                    col.probability, class_name="rp-kanban-prob", title=T("Win probability")
                ),
            ),
            rx.el.span(col.count_label, class_name="rp-kanban-count", data_testid="column-count"),
            rx.cond(
                S.can_write & (col.kind != "lost"),
                rx.el.button(
                    rx.icon("plus", size=14),
                    type="button",
                    class_name="rp-kanban-add",
                    aria_label=T("Add a deal to this stage"),
                    title=T("Add a deal to this stage"),
                    on_click=S.open_quick_add(col.stage_id),
                    data_testid="quick-add",
                ),
            ),
            class_name="rp-kanban-head-row",
        ),
        rx.el.div(
            rx.el.span(col.total, data_testid="column-total"),
            rx.cond(
                col.kind == "open",
                rx.el.span("· ", col.weighted, data_testid="column-weighted"),
            ),
            class_name="rp-kanban-totals",
        ),
    )


def _quick_add(col: rx.Var[ColumnView]) -> rx.Component:
    def err(key: str) -> rx.Component:
        return rx.cond(
            S.quick_errors.contains(key),
            rx.el.div(S.quick_errors.get(key, ""), class_name="rp-kanban-error", role="alert"),
        )

    return rx.cond(
        S.quick_stage_id == col.stage_id,
        rx.form(
            rx.el.input(
                name="title",
                placeholder=T("Deal title"),
                aria_label=T("Deal title"),
                auto_focus=True,
                class_name="rp-kanban-input",
                data_testid="quick-add-title",
            ),
            err("title"),
            rx.el.input(
                name="value",
                placeholder=T("Value"),
                aria_label=T("Value"),
                inputmode="decimal",
                class_name="rp-kanban-input",
                data_testid="quick-add-value",
            ),
            err("value"),
            rx.el.div(
                rx.el.button(
                    T("Cancel"),
                    type="button",
                    class_name="rp-kanban-btn",
                    on_click=S.close_quick_add,
                ),
                rx.el.button(
                    T("Add deal"),
                    type="submit",
                    class_name="rp-kanban-btn rp-kanban-btn-primary",
                ),
                class_name="rp-kanban-quick-actions",
            ),
            on_submit=S.quick_add,
            reset_on_submit=False,
            class_name="rp-kanban-quick",
        ),
    )


def kanban_column(col: rx.Var[ColumnView]) -> rx.Component:
    return DropTarget.create(
        _column_head(col),
        _quick_add(col),
        ScrollContainer.create(
            rx.foreach(col.cards, lambda c: kanban_card(c, col.stage_id)),
            rx.cond(
                col.count == 0,
                rx.el.div(
                    rx.el.strong(T("No deals here")),
                    rx.el.span(
                        rx.cond(
                            S.can_write,
                            T("Drag a deal here or add one with +."),
                            T("Deals in this stage will show here."),
                        )
                    ),
                    class_name="rp-kanban-empty",
                ),
            ),
            rx.cond(
                col.has_more,
                rx.el.button(
                    T("Show more"),
                    rx.el.span(col.more_label, class_name="rp-kanban-more-count"),
                    type="button",
                    class_name="rp-kanban-more",
                    on_click=S.show_more(col.stage_id),
                    data_testid="show-more",
                ),
            ),
            allowed_axis="vertical",
            class_name="rp-kanban-cards",
        ),
        drop_id="column-" + col.stage_id,
        target_data={"kind": "column", "stageId": col.stage_id},
        class_name="rp-kanban-column",
        key=col.stage_id,
        custom_attrs={"data-kind": col.kind, "data-testid": "kanban-column"},
    )


def kanban_board() -> rx.Component:
    return CardDnd.create(
        Monitor.create(on_drop=S.drop),
        ScrollContainer.create(
            rx.el.div(
                rx.foreach(S.columns, kanban_column),
                class_name="rp-kanban-board",
            ),
            allowed_axis="horizontal",
            class_name="rp-kanban-scroll",
        ),
        class_name="rp-kanban",
        custom_attrs={"data-stamp": S.stamp.to_string()},
    )


def move_dialog() -> rx.Component:
    """The keyboard- and touch-friendly way to move a card: pick its new stage."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Move to stage")),
            rx.dialog.description(S.move_title, size="2", color="var(--gray-11)"),
            rx.vstack(
                rx.foreach(
                    S.columns,
                    lambda c: rx.button(
                        rx.match(
                            c.kind,
                            ("won", rx.icon("trophy", size=14)),
                            ("lost", rx.icon("circle-x", size=14)),
                            rx.icon("circle-dot", size=14),
                        ),
                        c.name,
                        rx.spacer(),
                        rx.cond(c.stage_id == S.move_stage_id, rx.text(T("Current"), size="1")),
                        variant=rx.cond(c.stage_id == S.move_stage_id, "solid", "soft"),
                        color_scheme=rx.match(c.kind, ("won", "grass"), ("lost", "red"), "gray"),
                        disabled=c.stage_id == S.move_stage_id,
                        on_click=S.move_to(c.stage_id),
                        width="100%",
                        justify_content="start",
                        data_testid="move-option",
                    ),
                ),
                spacing="2",
                margin_top="12px",
                width="100%",
            ),
            rx.hstack(
                rx.dialog.close(rx.button(T("Cancel"), variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="16px",
            ),
            max_width="380px",
        ),
        open=S.move_open,
        on_open_change=S.set_move_open,
    )


def lost_dialog() -> rx.Component:
    """Asked when a deal goes into a lost stage; Cancel leaves it where it was."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Why was this deal lost?")),
            rx.dialog.description(
                rx.text.strong(S.lost_title),
                " → ",
                S.lost_stage_name,
                size="2",
                color="var(--gray-11)",
            ),
            rx.form(
                rx.vstack(
                    rx.box(
                        rx.el.label(
                            T("Reason"), html_for="lost-reason", class_name="rp-deal-label"
                        ),
                        rx.select.root(
                            rx.select.trigger(
                                id="lost-reason",
                                placeholder=T("Choose a reason"),
                                width="100%",
                            ),
                            rx.select.content(
                                rx.foreach(
                                    S.lost_reasons, lambda r: rx.select.item(r[1], value=r[0])
                                )
                            ),
                            name="lost_reason",
                        ),
                        rx.cond(
                            S.lost_error != "",
                            rx.text(
                                S.lost_error,
                                size="1",
                                color="var(--red-11)",
                                role="alert",
                                data_testid="error-lost_reason",
                            ),
                        ),
                        width="100%",
                    ),
                    rx.box(
                        rx.el.label(
                            T("Note (optional)"), html_for="lost-note", class_name="rp-deal-label"
                        ),
                        rx.text_area(id="lost-note", name="lost_note", rows="3", width="100%"),
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.button(
                            T("Mark as lost"),
                            type="submit",
                            color_scheme="red",
                            data_testid="confirm-lost",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    margin_top="12px",
                ),
                on_submit=S.confirm_lost,
                reset_on_submit=False,
            ),
            max_width="440px",
        ),
        open=S.lost_open,
        on_open_change=S.set_lost_open,
    )
