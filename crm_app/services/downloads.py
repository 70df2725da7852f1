"""Files a signed-in user asked for (exports, rejected import rows), served once to them only.

A file is written under ``DATA_DIR/downloads`` with a random, unguessable token as its name
and a small JSON sidecar naming its owner and the file name the browser should save it as.
The download endpoint (``crm_app/api.py``) hands it out only to a request whose session
belongs to that owner, within ``TTL_S`` seconds; older files are purged.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from crm_app import settings

TTL_S = 15 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def folder() -> Path:
    path = settings.DATA_DIR / "downloads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Download:
    token: str
    path: Path  # write the file here
    filename: str  # what the browser saves it as

    @property
    def url(self) -> str:
        return f"/api/downloads/{self.token}"


def safe_filename(name: str) -> str:
    """A file name without path parts or characters a browser or shell would trip over."""
    name = _SAFE_NAME.sub("-", Path(name).name).strip(" .-") or "download"
    return name[:120]


def prepare(user_id: int, filename: str) -> Download:
    """Reserve a download for ``user_id``; the caller writes the file to ``.path``."""
    purge()
    token = secrets.token_urlsafe(32)
    filename = safe_filename(filename)
    suffix = Path(filename).suffix.lower()[:8]
    base = folder()
    (base / f"{token}.json").write_text(
        json.dumps({"user_id": user_id, "filename": filename, "created": time.time()})
    )
    return Download(token, base / f"{token}{suffix}", filename)


def find(token: str, user_id: int) -> Download | None:
    """The download behind ``token`` if it belongs to ``user_id`` and has not expired."""
    if not _TOKEN.match(token or ""):
        return None
    meta_path = folder() / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or time.time() - float(meta.get("created", 0)) > TTL_S:
        return None
    filename = str(meta.get("filename", "download"))
    path = folder() / f"{token}{Path(filename).suffix.lower()[:8]}"
    return Download(token, path, filename) if path.is_file() else None


def purge(now: float | None = None) -> int:
    """Delete downloads older than ``TTL_S``; returns how many files went."""
    return purge_older(folder(), TTL_S, now)


def purge_older(path: Path, max_age_s: float, now: float | None = None) -> int:
    """Delete the files in ``path`` older than ``max_age_s`` seconds; how many went."""
    now = time.time() if now is None else now
    gone = 0
    for item in path.iterdir():
        try:
            if now - item.stat().st_mtime > max_age_s:
                item.unlink()
                gone += 1
        except OSError:
            continue
    return gone
