"""Importing a Maven dataset from the browser: the uploaded CSV files or .zip → a folder the
import reads (every file there or a clear error), and the state that uploads, imports and
reports, then removes the folder."""

from __future__ import annotations

import asyncio
import io
import os
import zipfile
from pathlib import Path

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlmodel import Session

from crm_app import settings
from crm_app.db import get_engine
from crm_app.models import Deal, Pipeline
from crm_app.services import auth, users
from crm_app.services.errors import ValidationError
from crm_app.services.maven import upload
from crm_app.state.maven_import import MavenImportState

from .state_calls import state_instance

DATA = Path(__file__).resolve().parents[1] / "data" / "maven-crm"
NAMES = ("accounts.csv", "products.csv", "sales_teams.csv", "sales_pipeline.csv")
PASSWORD = "a-long-password-1"


def _small(rows: int = 120) -> dict[str, bytes]:
    """The dataset's files with only the first ``rows`` opportunities (GTXPro is on row 2)."""
    out = {name: (DATA / name).read_bytes() for name in NAMES}
    lines = out["sales_pipeline.csv"].splitlines(keepends=True)
    out["sales_pipeline.csv"] = b"".join(lines[: rows + 1])
    return out


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- the service ------------------------------------------------------------------------------
def test_the_csv_files_are_written_under_their_names_and_others_left_out(tmp_path):
    files = _small()
    uploads = [(n.upper() if n == "products.csv" else n, d) for n, d in files.items()]
    uploads.append(("notes.txt", b"hello"))
    found = upload.unpack(uploads, tmp_path / "set")
    assert found.found == list(NAMES)
    assert found.ignored == ["notes.txt"]
    assert sorted(p.name for p in (tmp_path / "set").iterdir()) == sorted(NAMES)
    assert (tmp_path / "set" / "products.csv").read_bytes() == files["products.csv"]


def test_a_zipped_folder_works_and_its_paths_never_decide_where_files_land(tmp_path):
    files = _small()
    members = {f"maven-crm/{n}": d for n, d in files.items()}
    members["maven-crm/data_dictionary.csv"] = b"Table,Field,Description\n"
    members["__MACOSX/maven-crm/._accounts.csv"] = b"\x00\x05"
    members["../../evil/sales_teams.csv"] = b"sales_agent,manager,regional_office\nX,Y,Z\n"
    found = upload.unpack([("maven-crm.zip", _zip(members))], tmp_path / "set")
    assert found.found == [*NAMES, "data_dictionary.csv"]
    # the second sales_teams.csv (with a path that climbs out) is not used, nor written outside
    assert "../../evil/sales_teams.csv" in found.ignored
    assert (tmp_path / "set" / "sales_teams.csv").read_bytes() == files["sales_teams.csv"]
    assert not (tmp_path / "evil").exists()


def test_every_missing_file_is_named(tmp_path):
    files = _small()
    with pytest.raises(ValidationError) as caught:
        upload.unpack([("accounts.csv", files["accounts.csv"])], tmp_path / "set")
    assert caught.value.errors == {
        "products.csv": upload.MISSING,
        "sales_teams.csv": upload.MISSING,
        "sales_pipeline.csv": upload.MISSING,
    }


def test_an_upload_with_none_of_the_files_and_a_broken_zip_are_errors(tmp_path):
    with pytest.raises(ValidationError) as caught:
        upload.unpack([("contacts.csv", b"a,b\n")], tmp_path / "a")
    assert caught.value.errors == {"": upload.NOTHING}
    with pytest.raises(ValidationError) as caught:
        upload.unpack([("maven.zip", b"PK not really a zip")], tmp_path / "b")
    assert caught.value.errors == {"maven.zip": upload.BAD_ZIP}


def test_a_file_over_the_cap_is_refused_even_when_the_zip_understates_it(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "MAX_FILE_BYTES", 1000)
    files = _small()
    with pytest.raises(ValidationError) as caught:
        upload.unpack(list(files.items()), tmp_path / "a")
    assert caught.value.errors == {"accounts.csv": upload.TOO_BIG}
    with pytest.raises(ValidationError) as caught:
        upload.unpack([("m.zip", _zip(files))], tmp_path / "b")
    assert caught.value.errors == {"accounts.csv": upload.TOO_BIG}


def test_old_upload_folders_are_purged_and_new_ones_kept(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
        (folder / "accounts.csv").write_text("x")
    os.utime(old, (1000, 1000))
    assert upload.purge_older(tmp_path, 3600, now=1000 + 3601) == 1
    assert not old.exists() and new.exists()


# -- the state ----------------------------------------------------------------------------------
@pytest.fixture
def tokens(db_url, monkeypatch, fast_hashing, tmp_path) -> dict[str, str]:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    out = {}
    with Session(get_engine(db_url)) as s:
        for role in ("admin", "manager"):
            users.create_user(
                s,
                name=f"Ann {role}",
                email=f"{role}@example.com",
                role=role,
                password=PASSWORD,
                actor_id=None,
            )
            out[role], _ = auth.login(s, f"{role}@example.com", PASSWORD)
        s.commit()
    return out


def _state(token: str) -> MavenImportState:
    state = state_instance(MavenImportState)
    state.session_token = token
    return state


def _upload(state: MavenImportState, files: dict[str, bytes]) -> None:
    items = [rx.UploadFile(file=io.BytesIO(d), path=Path(n)) for n, d in files.items()]
    asyncio.run(MavenImportState.event_handlers["handle_upload"].fn(state, items))


def _run(state: MavenImportState) -> None:
    async def drain():
        async for _ in MavenImportState.event_handlers["run"].fn(state):
            pass

    asyncio.run(drain())


def _deals(db_url: str) -> int:
    with Session(get_engine(db_url)) as s:
        return s.scalar(
            sa.select(sa.func.count())
            .select_from(Deal)
            .join(Pipeline, Pipeline.id == Deal.pipeline_id)
            .where(Pipeline.name == "Maven")
        )


def test_an_admin_uploads_imports_and_sees_counts_and_reconciled_names(tokens, db_url):
    state = _state(tokens["admin"])
    _upload(state, {"maven.zip": _zip(_small())})
    assert state.files == list(NAMES) and state.errors == []
    folder = Path(state._dir)
    assert folder.is_dir() and folder.parent == settings.DATA_DIR / "imports" / "maven"
    _run(state)
    assert not folder.exists()  # the upload is gone once imported
    assert state.finished and not state.busy and state.progress == 100
    rows = {c["kind"]: c for c in state.counts}
    assert rows["Deals"]["created"] == "120" and rows["Deals"]["unchanged"] == "0"
    assert rows["Products"]["created"] == "7"
    assert {"kind": "Product", "from": "GTXPro", "to": "GTX Pro"}.items() <= next(
        r for r in state.reconciled if r["from"] == "GTXPro"
    ).items()
    korea = next(r for r in state.reconciled if r["from"] == "Korea")
    assert korea["to"] == "KR" and korea["rows"] == "1 row"  # not "1 rows"
    assert _deals(db_url) == 120

    again = _state(tokens["admin"])  # importing the same files again changes nothing
    _upload(again, _small())
    _run(again)
    rows = {c["kind"]: c for c in again.counts}
    assert rows["Deals"]["created"] == "0" and rows["Deals"]["unchanged"] == "120"
    assert _deals(db_url) == 120


def test_a_missing_file_is_named_and_nothing_is_kept(tokens):
    state = _state(tokens["admin"])
    files = _small()
    del files["sales_teams.csv"]
    _upload(state, files)
    assert state.errors == ["sales_teams.csv: This file is missing from the upload."]
    assert state.files == [] and state._dir == ""
    assert list((settings.DATA_DIR / "imports" / "maven").iterdir()) == []


def test_a_bad_column_is_reported_after_run_and_the_folder_removed(tokens, db_url):
    state = _state(tokens["admin"])
    files = _small()
    files["products.csv"] = b"name,price\nGTX Basic,550\n"
    _upload(state, files)
    folder = Path(state._dir)
    _run(state)
    assert state.errors == ["products.csv: A column this import needs is missing."]
    assert not folder.exists() and not state.finished
    assert _deals(db_url) == 0


def test_a_manager_may_not_import_a_dataset(tokens, db_url):
    state = _state(tokens["manager"])
    _upload(state, _small())
    assert state.files == [] and state._dir == ""
    _run(state)
    assert _deals(db_url) == 0
    assert not state.can_import_maven
