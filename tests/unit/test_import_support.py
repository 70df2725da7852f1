"""Helpers the import tests share (no tests here): sample files, users, table counts."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from crm_app.models import Contact, ContactEmail, ContactPhone, ContactTag, Tag, User, utcnow
from crm_app.services.importing import Table, read_path, read_table, run_import

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def sample(name: str) -> Table:
    return read_path(DATA / name)


def csv_table(text: str, name: str = "upload.csv") -> Table:
    return read_table(text.encode("utf-8"), name)


def add_user(session: Session, email: str, name: str, *, active: bool = True) -> int:
    """A user row with only the columns every schema version has (no ORM defaults needed)."""
    result = session.execute(
        sa.insert(User.__table__).values(  # type: ignore[attr-defined]
            email=email,
            name=name,
            password_hash="x",
            role="sales",
            locale="en",
            time_zone="UTC",
            active=active,
            is_demo=False,
            created_at=utcnow(),
        )
    )
    session.commit()
    return int(result.inserted_primary_key[0])


def imported(session: Session, entity: str, table: Table, **options):
    """Run an import and commit it, as the CLI and the UI do."""
    result = run_import(session, entity, table, **options)
    session.commit()
    return result


def counts(session: Session) -> dict[str, int]:
    """Rows in every table, the search index included."""
    names = [t.name for t in SQLModel.metadata.sorted_tables] + ["fts_contacts", "fts_companies"]
    return {n: session.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def contact_by_email(session: Session, email: str) -> Contact | None:
    session.expire_all()
    q = sa.select(Contact).join(ContactEmail).where(ContactEmail.email == email)
    return session.execute(q).scalars().first()


def contact_named(session: Session, first: str, last: str) -> Contact | None:
    session.expire_all()
    q = sa.select(Contact).where(Contact.first_name == first, Contact.last_name == last)
    return session.execute(q).scalars().first()


def emails_of(session: Session, contact_id: int) -> list[str]:
    q = sa.select(ContactEmail.email).where(ContactEmail.contact_id == contact_id)
    return list(session.execute(q.order_by(ContactEmail.id)).scalars())


def primary_email(session: Session, contact_id: int) -> str | None:
    q = sa.select(ContactEmail.email).where(
        ContactEmail.contact_id == contact_id, ContactEmail.is_primary.is_(True)
    )
    return session.execute(q).scalar()


def phones_of(session: Session, contact_id: int) -> list[str]:
    q = sa.select(ContactPhone.phone).where(ContactPhone.contact_id == contact_id)
    return list(session.execute(q.order_by(ContactPhone.id)).scalars())


def tags_of(session: Session, contact_id: int) -> list[str]:
    q = (
        sa.select(Tag.name)
        .join(ContactTag, ContactTag.tag_id == Tag.id)
        .where(ContactTag.contact_id == contact_id)
    )
    return sorted(session.execute(q).scalars())
