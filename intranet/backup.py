"""Backup and restore: every table as JSON plus every stored file, in one .tar.gz.

The archive does not depend on the database: a backup of SQLite restores into PostgreSQL and
back. Restore goes into an empty database migrated to the same schema revision
(`flask db upgrade` first), in one transaction: it either all lands or nothing does."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Date, DateTime, func, select, text

from intranet.documents.storage import get_storage
from intranet.extensions import db

FORMAT = 1


class BackupError(Exception):
    pass


def _tables():
    """The tables a backup holds: all but what is made again from them, the cache's tokens
    (new ones after a restore) and the search index (rebuilt by the restore)."""
    from intranet.cache import DataVersion
    from intranet.search.models import SearchEntry

    derived = {DataVersion.__table__, SearchEntry.__table__}
    return [t for t in db.metadata.sorted_tables if t not in derived]


def _revision() -> str | None:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def create_backup(target: Path) -> dict:
    """Write the backup to `target`; returns the number of rows per table and of files."""
    tables = _tables()
    data = {}
    for table in tables:
        rows = db.session.execute(select(table)).mappings().all()
        data[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    storage = get_storage()
    blobs = sorted({row["sha256"] for row in data.get("document_version", [])})
    manifest = {"format": FORMAT, "revision": _revision(),
                "rows": {name: len(rows) for name, rows in data.items()}, "files": len(blobs)}
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        _add_bytes(archive, "data.json", json.dumps(data, ensure_ascii=False).encode())
        for sha256 in blobs:
            path = storage.path(sha256)
            if not path.is_file():
                raise BackupError(f"stored file {sha256} is missing")
            archive.add(path, arcname=f"files/{sha256}")
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    archive.addfile(info, io.BytesIO(payload))


def _typed(table, row: dict) -> dict:
    out = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        out[column.name] = value
    return out


def restore_backup(source: Path) -> dict:
    """Load a backup into an empty database at the same schema revision, and its files into
    the store. Refuses a non-empty database."""
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError("unknown backup format")
        if manifest["revision"] != _revision():
            raise BackupError(f"the backup is of schema {manifest['revision']}, the database "
                              f"is at {_revision()}: run `flask db upgrade` to match first")
        for table in _tables():
            if db.session.scalar(select(func.count()).select_from(table)):
                raise BackupError(f"the database is not empty (table {table.name})")
        data = json.load(archive.extractfile("data.json"))
        storage = get_storage()
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("files/"):
                continue
            sha256 = member.name.removeprefix("files/")
            if not storage.exists(sha256):
                blob, _ = storage.save(archive.extractfile(member), lambda path: None)
                if blob.sha256 != sha256:
                    raise BackupError(f"file {sha256} is damaged in the backup")
    try:
        for table in _tables():
            rows = [_typed(table, row) for row in data.get(table.name, [])]
            if rows:
                db.session.execute(table.insert(), rows)
        _reset_sequences()
        from intranet.search.index import rebuild

        rebuild()  # the index is made from the restored data, in the same transaction
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    from intranet import cache
    from intranet.org.services import forget_cooperation_name

    forget_cooperation_name()  # the layout reads the restored name
    cache.reset()  # fragments made from the data before are not the restored data's
    return manifest


def _reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences; after inserting ids, move them past the
    highest id so new rows do not collide."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" not in table.columns or not table.columns["id"].autoincrement:
            continue
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
