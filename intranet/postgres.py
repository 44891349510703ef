"""PostgreSQL connections: a transaction begins at the first statement that writes.

Left to itself, the driver opens a transaction before a request's first query (a round trip
of its own, `BEGIN`) and the session ends it with another (`ROLLBACK`), even when the request
only read. A page served from the cached fragments reads once or twice, so those two round
trips were half of its work on the database. Here the connections run in the driver's
autocommit mode, and `BEGIN` is sent right before the first statement of a transaction that
is not a plain read: an INSERT, UPDATE or DELETE, DDL (so a migration stays one transaction),
a `SELECT ... FOR UPDATE`, a SAVEPOINT. From then on the transaction runs as before, until
the session's commit or rollback, which the driver sends because the server says a
transaction is open.

Reads before the first write run each on their own. Under PostgreSQL's default isolation,
READ COMMITTED, each statement of a transaction sees the data as of its own start anyway, and
a plain SELECT takes no lock a transaction would keep, so they see and hold the same as
before. (The same is true of SQLite's driver, which begins a transaction at the first write
too.) A connection asked for AUTOCOMMIT explicitly (for a statement that must not run in a
transaction) is left alone."""

from __future__ import annotations

import re

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

# A statement that neither writes nor locks: it may run outside a transaction.
_PLAIN_READ = re.compile(r"\s*(SELECT|SHOW)\b", re.IGNORECASE)
_LOCKING = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)

# What the engine is created with (SQLALCHEMY_ENGINE_OPTIONS): the driver's autocommit mode,
# which SQLAlchemy knows about, so that it sends nothing itself to begin.
ENGINE_OPTIONS = {"isolation_level": "AUTOCOMMIT"}


def is_plain_read(statement: str) -> bool:
    return bool(_PLAIN_READ.match(statement)) and not _LOCKING.search(statement)


def configure(engine: Engine) -> None:
    """Begin a transaction at the first statement that needs one (see the module)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_write(conn, cursor, statement, _params, _context, _many) -> None:
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # asked for explicitly: each statement on its own
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection.pgconn.transaction_status != TransactionStatus.IDLE:
            return  # already in a transaction
        if not is_plain_read(statement):
            cursor.execute("BEGIN")
