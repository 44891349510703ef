"""The embedded SQLite database: a write-ahead log, and writers that queue for a file lock
instead of SQLite's sleeping retries (intranet/sqlite.py). Each test makes its own engine on a
file with SQLite's own wait for a busy database switched off (`timeout=0`): a writer that got
past the queue while another was writing would fail at once with "database is locked"."""

from __future__ import annotations

import os
import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, exc, text

from intranet import sqlite


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}",
                           connect_args={"timeout": 0})
    sqlite.configure(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    engine.dispose()


def _write_in_thread(engine, body: str) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def write():
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO note (body) VALUES (:b)"), {"b": body})
            outcome["done"] = True
        except exc.OperationalError as error:
            outcome["error"] = error

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread, outcome


def _bodies(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT body FROM note ORDER BY id")))


def test_the_database_keeps_a_write_ahead_log(engine):
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"


def test_a_writer_waits_its_turn_and_writes_when_the_one_before_commits(engine):
    with engine.connect() as first:
        first.execute(text("INSERT INTO note (body) VALUES ('först')"))
        thread, outcome = _write_in_thread(engine, "sedan")
        thread.join(0.3)
        assert thread.is_alive() and not outcome  # waiting in the queue, not failed
        first.commit()
    thread.join(10)
    assert outcome == {"done": True}
    assert _bodies(engine) == ["först", "sedan"]


def test_a_rolled_back_writer_lets_the_next_one_in(engine):
    with engine.connect() as first:
        first.execute(text("INSERT INTO note (body) VALUES ('ångrad')"))
        thread, outcome = _write_in_thread(engine, "kvar")
        first.rollback()
    thread.join(10)
    assert outcome == {"done": True}
    assert _bodies(engine) == ["kvar"]


def test_readers_do_not_wait_for_a_writer(engine):
    with engine.connect() as writer:
        writer.execute(text("INSERT INTO note (body) VALUES ('pågår')"))
        seen: dict = {}

        def read():
            seen["bodies"] = _bodies(engine)

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        thread.join(10)
        assert seen == {"bodies": []}  # read at once, without the uncommitted row
        writer.commit()


def test_a_thread_never_waits_for_its_own_lock(engine):
    """A second connection of the thread that holds the lock goes to SQLite's own wait (here
    none, so it fails) instead of waiting for itself for ever."""
    outcome: dict = {}

    def two_writers():
        with engine.connect() as first:
            first.execute(text("INSERT INTO note (body) VALUES ('ett')"))
            with engine.connect() as second:
                try:
                    second.execute(text("INSERT INTO note (body) VALUES ('två')"))
                except exc.OperationalError as error:
                    outcome["error"] = error.orig
            first.commit()

    thread = threading.Thread(target=two_writers, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert isinstance(outcome["error"], sqlite3.OperationalError)
    assert "locked" in str(outcome["error"])
    assert _bodies(engine) == ["ett"]
    # And the lock went back with the connections: the next writer gets in.
    thread, after = _write_in_thread(engine, "tre")
    thread.join(10)
    assert after == {"done": True}


def test_the_app_queues_its_writers_on_sqlite(app):
    from intranet.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        pytest.skip("SQLite only")
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        info = db.session.connection().connection.info
        assert "writer_lock" in info
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.session.rollback()


def test_a_writer_whose_connection_breaks_lets_the_next_one_in(engine):
    lock = sqlite.lock_path(os.path.abspath(engine.url.database))

    def open_lock_files() -> int:
        return sum(1 for fd in os.listdir("/proc/self/fd")
                   if os.path.realpath(f"/proc/self/fd/{fd}") == lock)

    with engine.connect() as broken:
        broken.execute(text("INSERT INTO note (body) VALUES ('förlorad')"))
        broken.invalidate()  # as after a lost connection: closed, and the lock with it
    thread, outcome = _write_in_thread(engine, "nästa")
    thread.join(10)
    assert outcome == {"done": True}
    assert _bodies(engine) == ["nästa"]
    engine.dispose()
    assert open_lock_files() == 0
