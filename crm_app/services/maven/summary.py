"""What a Maven import did: counts per kind of record, what it reconciled, what it could not."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .files import Problem


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class MavenSummary:
    companies: Counts = field(default_factory=Counts)
    users: Counts = field(default_factory=Counts)
    products: Counts = field(default_factory=Counts)
    deals: Counts = field(default_factory=Counts)
    orders: Counts = field(default_factory=Counts)
    # {"kind": "product", "from": "GTXPro", "to": "GTX Pro", "rows": 1480}
    reconciliations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    deals_by_stage: dict[str, int] = field(default_factory=dict)
    pipeline_id: int | None = None
    seconds: float = 0.0

    def reconcile(self, kind: str, before: str, after: str, rows: int) -> None:
        self.reconciliations.append({"kind": kind, "from": before, "to": after, "rows": rows})

    def problem(self, file: str, row: int | None, message: str, value: str = "") -> None:
        self.problems.append(Problem(file, row, message, value))

    @property
    def changed(self) -> int:
        kinds = (self.companies, self.users, self.products, self.deals, self.orders)
        return sum(c.created + c.updated for c in kinds)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            key: asdict(getattr(self, key))
            for key in ("companies", "users", "products", "deals", "orders")
        }
        out["reconciliations"] = list(self.reconciliations)
        out["problems"] = [p.as_dict() for p in self.problems]
        out["deals_by_stage"] = dict(self.deals_by_stage)
        out["pipeline_id"] = self.pipeline_id
        out["seconds"] = round(self.seconds, 2)
        return out
