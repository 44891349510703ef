"""The embedded SQLite database's connections: a write-ahead log, and writers that wait their
turn in a queue instead of SQLite's sleeping retries.

SQLite lets one connection write at a time. A writer that finds the database busy is retried
by SQLite's busy handler, which sleeps 1, 2, 5, 10, ... up to 100 ms between tries and never
hears when the lock comes free. With a few workers saving at once, most saves went through at
once, but one in twenty waited 10-20 ms and one in a hundred 60-100 ms or more, while the
CPUs stood idle. So each connection takes an exclusive lock on a file next to the database
(`flock`) before its transaction's first write, and gives it back when the connection goes
back to the pool, after its commit or rollback. A writer waiting for that lock is woken by the
kernel the moment it is free, and then finds SQLite's own lock free too. Readers never wait:
with the write-ahead log they read beside the writer.

Writers outside the app (the `sqlite3` shell) do not take the file lock, and are met by
SQLite's busy handler as before. A thread that already holds the lock through one connection
does not wait for it on a second one (it would wait for itself); SQLite's busy timeout then
answers as before."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

# The statements before which pysqlite begins a transaction (and SQLite takes its write lock).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_holders: dict[int, int] = {}  # thread id: how many writer locks it holds
_holders_lock = threading.Lock()


def lock_path(database: str) -> str:
    return database + "-writer.lock"


def configure(engine: Engine) -> None:
    """Set up an engine on SQLite: lower() for all of Unicode and, on a file, the write-ahead
    log and the writers' queue."""
    event.listen(engine, "connect", unicode_lower)
    database = engine.url.database
    if not database or database == ":memory:":
        return
    path = lock_path(os.path.abspath(database))

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record) -> None:
        write_ahead_log(dbapi_connection)
        record.info["writer_lock"] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(conn, _cursor, statement, _params, _context, _many) -> None:
        info = conn.connection.info
        if info.get("writing") or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        info["writing"] = True
        thread = threading.get_ident()
        if _holders.get(thread):
            return  # this thread holds the lock on another connection: SQLite's timeout
        fcntl.flock(info["writer_lock"], fcntl.LOCK_EX)
        info["locked"] = thread
        with _holders_lock:
            _holders[thread] = _holders.get(thread, 0) + 1

    def _release(_dbapi_connection, record, *_args) -> None:
        record.info.pop("writing", None)
        thread = record.info.pop("locked", None)
        if thread is not None:
            fcntl.flock(record.info["writer_lock"], fcntl.LOCK_UN)
            with _holders_lock:
                if _holders.get(thread, 0) <= 1:
                    _holders.pop(thread, None)
                else:
                    _holders[thread] -= 1

    for name in ("checkin", "invalidate", "soft_invalidate", "detach"):
        event.listen(engine, name, _release)

    @event.listens_for(engine, "close")
    def _close(dbapi_connection, record) -> None:
        _release(dbapi_connection, record)
        fd = record.info.pop("writer_lock", None)
        if fd is not None:
            os.close(fd)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def unicode_lower(dbapi_connection, _record=None) -> None:
    """SQLite's own lower() folds only A-Z, so a search for "åsa" did not find "Åsa Öberg";
    the app's connections fold every letter, as Python and PostgreSQL do."""
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def write_ahead_log(dbapi_connection) -> None:
    """SQLite keeps a write-ahead log: readers do not wait for a writer, and a commit writes
    (and syncs) the log once instead of a journal and the database. The setting stays with
    the database file; a database another connection holds busy keeps its mode until later."""
    try:
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as error:
        logging.getLogger(__name__).warning("SQLite journal mode left as it was: %s", error)
