"""The one storage interface for file contents (blobs).

Blobs are addressed by the sha256 of their bytes (`ab/cd/<hash>` under STORAGE_DIR, outside
the web root), so identical content is stored once and a name from a user never reaches the
file system. A write streams the upload in chunks to a temporary file in the store's own
directory (same file system), checks it, fsyncs it and renames it into place: a write that
fails halfway leaves neither a partial blob nor a temporary file behind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from flask import current_app

CHUNK_SIZE = 64 * 1024
TEMP_PREFIX = ".upload-"
_HASH = re.compile(r"^[0-9a-f]{64}$")

T = TypeVar("T")


class StorageError(Exception):
    """The store could not take or give a blob."""


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class Storage(Protocol):
    def save(self, stream: BinaryIO, check: Callable[[Path], T]) -> tuple[StoredBlob, T]: ...

    def path(self, sha256: str) -> Path: ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> bool: ...


class LocalStorage:
    """Blobs in a local directory."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _HASH.match(sha256 or ""):
            raise StorageError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def save(self, stream: BinaryIO, check: Callable[[Path], T]) -> tuple[StoredBlob, T]:
        """Stream `stream` into the store. `check(temp_path)` sees the complete bytes before
        they are committed (content sniffing); if it raises, nothing is kept. Returns the
        blob and whatever `check` returned."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.root)
        temp = Path(temp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                while True:
                    chunk = stream.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            checked = check(temp)
            sha256 = digest.hexdigest()
            target = self.path(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_file():
                temp.unlink()  # identical content is stored once
            else:
                os.replace(temp, target)
                _fsync_dir(target.parent)
            return StoredBlob(sha256=sha256, size=size), checked
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            raise

    def delete(self, sha256: str) -> bool:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def leftovers(self) -> list[Path]:
        """Temporary files of writes that never finished (none, unless a process was
        killed mid-write)."""
        if not self.root.is_dir():
            return []
        return sorted(self.root.glob(TEMP_PREFIX + "*"))


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def get_storage() -> Storage:
    """The configured store (STORAGE_DIR, a local directory by default)."""
    return LocalStorage(current_app.config["STORAGE_DIR"])
