"""Drag and drop on the pipeline board: the pragmatic-drag-and-drop package's drop target,
monitor and scroll container, and one effect that makes every card draggable."""

from __future__ import annotations

import reflex as rx
from reflex_pragmatic_dnd import core as pdnd


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
