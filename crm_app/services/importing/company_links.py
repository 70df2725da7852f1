"""The company a contact row names: an existing one (by website, else by name in any case),
or one the import creates — once per name, however many rows name it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company

from .bulk import insert_rows
from .merging import chunks


def fold_name(name: Any) -> str:
    """A name as names are compared: any case, spacing aside (None and "" alike)."""
    return " ".join(str(name or "").split()).casefold()


class CompanyLinks:
    """Looks up every (name, domain) a file names with a few queries, then resolves each."""

    def __init__(self, session: Session, wanted: list[tuple[str | None, str | None]]):
        names = sorted({fold_name(n) for n, _ in wanted if n})
        domains = sorted({d for _, d in wanted if d})
        self.by_name: dict[str, int] = {}
        self.by_domain: dict[str, int] = {}
        self.new: dict[str, tuple[str, str | None]] = {}  # key → (name, domain) to create
        for part in chunks(domains):
            q = sa.select(Company.id, Company.domain).where(sa.func.lower(Company.domain).in_(part))
            for cid, domain in session.execute(q.order_by(Company.id)):
                self.by_domain.setdefault(str(domain).lower(), int(cid))
        for part in chunks(names):
            q = sa.select(Company.id, Company.name).where(sa.func.lower(Company.name).in_(part))
            self._add_names(session.execute(q.order_by(Company.id)))
        if any(not n.isascii() for n in names if n not in self.by_name):
            # SQLite's lower() folds ASCII only: compare the other names in Python
            self._add_names(
                session.execute(sa.select(Company.id, Company.name).order_by(Company.id))
            )

    def _add_names(self, rows) -> None:
        for cid, name in rows:
            self.by_name.setdefault(fold_name(name), int(cid))

    def resolve(self, name: str | None, domain: str | None) -> int | str | None:
        """An existing company's id, or the key of one to create; None when nothing is named."""
        if domain and domain in self.by_domain:
            return self.by_domain[domain]
        if name and fold_name(name) in self.by_name:
            return self.by_name[fold_name(name)]
        if not (name or domain):
            return None
        key = fold_name(name or domain or "")
        self.new.setdefault(key, ((name or domain or "").strip(), domain))
        return "new:" + key

    def create(self, session: Session, keys: set[str], *, actor_id: int | None) -> dict[str, int]:
        """Create the new companies named by ``keys`` ("new:…"); returns key → id."""
        wanted = [k for k in self.new if "new:" + k in keys]
        rows = [{"name": self.new[k][0][:200], "domain": self.new[k][1]} for k in wanted]
        ids = insert_rows(session, Company, rows, actor_id=actor_id, note="import")
        return {"new:" + k: i for k, i in zip(wanted, ids, strict=True)}
