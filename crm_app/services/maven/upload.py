"""An uploaded Maven export put into a folder that ``import_maven`` reads.

The browser sends either the CSV files themselves or one .zip of them (a zipped folder works:
members are matched by their file name, wherever they are in the archive). Only the dataset's
own file names are written, under their canonical names, so a member's path never decides
where anything lands; other files are listed as ignored. Every required file must be there,
and each is size-capped while it is read (a .zip may lie about its sizes).

Upload folders live under one parent and are removed after the import; ``purge_older``
removes any a crashed or abandoned import left behind.
"""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ValidationError
from ..i18n import N_
from .files import FILES

REQUIRED = tuple(name for name, _columns in FILES.values())
OPTIONAL = ("data_dictionary.csv",)
MAX_FILE_BYTES = 50 * 1024 * 1024  # the real sales_pipeline.csv is 0.6 MB
MISSING = N_("This file is missing from the upload.")
TOO_BIG = N_("This file is larger than 50 MB.")
BAD_ZIP = N_("This .zip file cannot be read.")
NOTHING = N_("The upload has none of the dataset's files.")


@dataclass
class Unpacked:
    found: list[str] = field(default_factory=list)  # canonical names written, in FILES order
    ignored: list[str] = field(default_factory=list)  # uploaded names that are not the dataset's


def _wanted(name: str) -> str | None:
    """The canonical dataset file name for an uploaded or zipped name, or None."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    if base.startswith("._"):  # macOS resource forks next to the real file
        return None
    return next((n for n in (*REQUIRED, *OPTIONAL) if n == base), None)


def _read_capped(stream: io.BufferedIOBase | zipfile.ZipExtFile, name: str) -> bytes:
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError({name: TOO_BIG})
    return data


def _from_zip(data: bytes, label: str) -> Iterable[tuple[str, str, bytes]]:
    """(uploaded name, canonical name or "", content) for each file member of the archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
        for member in members:
            canonical = _wanted(member.filename)
            if canonical is None or member.filename.startswith("__MACOSX/"):
                yield member.filename, "", b""
                continue
            if member.file_size > MAX_FILE_BYTES:
                raise ValidationError({canonical: TOO_BIG})
            with archive.open(member) as fh:
                yield member.filename, canonical, _read_capped(fh, canonical)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ValidationError({label: BAD_ZIP}) from exc


def unpack(uploads: Iterable[tuple[str, bytes]], folder: str | Path) -> Unpacked:
    """Write the dataset files among ``uploads`` ((file name, content) pairs; a .zip is opened)
    into ``folder`` under their canonical names.

    Raises ValidationError naming every required file that is missing (nothing is imported
    then), a file over 50 MB or a .zip that cannot be read. The first of two files with the
    same name wins; the second is listed as ignored.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    out = Unpacked()
    written: set[str] = set()
    entries: list[tuple[str, str, bytes]] = []
    for name, data in uploads:
        shown = PurePosixPath(name.replace("\\", "/")).name or name
        if shown.lower().endswith(".zip"):
            entries.extend(_from_zip(data, shown))
        else:
            canonical = _wanted(shown) or ""
            if canonical and len(data) > MAX_FILE_BYTES:
                raise ValidationError({canonical: TOO_BIG})
            entries.append((shown, canonical, data))
    for shown, canonical, data in entries:
        if not canonical or canonical in written:
            out.ignored.append(shown)
            continue
        (target / canonical).write_bytes(data)
        written.add(canonical)
    if not written:
        raise ValidationError({"": NOTHING})
    missing = [n for n in REQUIRED if n not in written]
    if missing:
        raise ValidationError(dict.fromkeys(missing, MISSING))
    out.found = [n for n in (*REQUIRED, *OPTIONAL) if n in written]
    return out


def purge_older(parent: str | Path, max_age_s: float, now: float | None = None) -> int:
    """Remove the upload folders in ``parent`` older than ``max_age_s`` seconds; how many went."""
    now = time.time() if now is None else now
    root = Path(parent)
    if not root.is_dir():
        return 0
    gone = 0
    for item in root.iterdir():
        try:
            if item.is_dir() and now - item.stat().st_mtime > max_age_s:
                shutil.rmtree(item, ignore_errors=True)
                gone += 1
        except OSError:
            continue
    return gone
