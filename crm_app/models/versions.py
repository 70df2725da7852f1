"""A change counter per table, kept by the database itself.

Triggers (migration 0011) raise a table's ``version`` on every insert, update and delete, in
the writing transaction, so a reader learns with one small query whether the rows it keeps in
memory are still the table's rows. The row ``@instance`` holds a random number drawn when the
database was created: two databases never share a version line.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_versions"

    name: str = Field(primary_key=True, max_length=64)
    version: int = Field(default=0, sa_type=sa.BigInteger, nullable=False)
