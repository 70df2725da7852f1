"""Installation settings read from the environment. No reflex imports here.

The database URL is built as an absolute path from the project root, because the
Reflex backend (and the test harness) may run from another working directory, and a
relative ``sqlite:///x.db`` would silently open a new empty file there.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("RAPPORT_DATA_DIR", PROJECT_ROOT / "data"))


def db_url() -> str:
    """The database URL: ``REFLEX_DB_URL`` when set, else the SQLite file in data/."""
    url = os.environ.get("REFLEX_DB_URL")
    if url:
        return url
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / 'rapport.db'}"


def demo_enabled() -> bool:
    """Whether the demo business is loaded on first start (``RAPPORT_DEMO=0`` turns it off)."""
    return os.environ.get("RAPPORT_DEMO", "1").strip().lower() not in {"0", "false", "no", "off"}


SESSION_HOURS = int(os.environ.get("RAPPORT_SESSION_HOURS", "12"))
