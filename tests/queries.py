"""The one way tests count what a page or a call asks the database: `recorded_statements()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from intranet.extensions import db


@contextmanager
def recorded_statements(app: Flask | None = None) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block, in order, its whitespace
    collapsed to single spaces (`len()` of it is the number of queries). Without `app`, the
    engine of the app whose context is active; with it, that app's (for a test client's
    requests, made outside any app context)."""
    if app is None:
        engine = db.engine
    else:
        with app.app_context():
            engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
