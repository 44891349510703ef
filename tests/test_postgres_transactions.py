"""PostgreSQL: a transaction begins at the first statement that is not a plain read
(intranet/postgres.py), so a request that only reads sends no BEGIN and no ROLLBACK, and what
writes is still one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from intranet.extensions import db
from intranet.postgres import is_plain_read


@pytest.fixture
def pg(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    with app.app_context():
        yield
        db.session.remove()


def _in_transaction(conn) -> bool:
    from psycopg.pq import TransactionStatus

    return conn.connection.dbapi_connection.pgconn.transaction_status != TransactionStatus.IDLE


@pytest.mark.parametrize(("statement", "plain"), [
    ("SELECT person.id FROM person WHERE person.id = %(id)s", True),
    ("  select 1", True),
    ("SHOW transaction_isolation", True),
    ("SELECT id FROM action_item WHERE id = 1 FOR UPDATE", False),
    ("SELECT id FROM action_item FOR NO KEY UPDATE SKIP LOCKED", False),
    ("SELECT id FROM action_item FOR SHARE", False),
    ("INSERT INTO audit_event (action) VALUES ('x')", False),
    ("UPDATE data_version SET token = 'x'", False),
    ("DELETE FROM login_session", False),
    ("WITH gone AS (DELETE FROM note RETURNING id) SELECT count(*) FROM gone", False),
    ("CREATE TABLE note (id int)", False),
    ("SAVEPOINT sa_savepoint_1", False),
])
def test_what_counts_as_a_plain_read(statement, plain):
    assert is_plain_read(statement) is plain


def test_reads_open_no_transaction_and_a_write_opens_one(pg):
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        assert not _in_transaction(conn)  # no BEGIN was sent, so no ROLLBACK is needed
        conn.execute(text("CREATE TEMP TABLE note (body text NOT NULL)"))
        assert _in_transaction(conn)
        conn.execute(text("INSERT INTO note VALUES ('kvar')"))
        assert conn.scalar(text("SELECT count(*) FROM note")) == 1  # its own write, inside
        conn.rollback()
        assert not _in_transaction(conn)
        with pytest.raises(exc.ProgrammingError):  # the DDL went with the rollback
            conn.execute(text("SELECT count(*) FROM note"))
        conn.rollback()


def test_what_writes_is_still_one_transaction(pg):
    with db.engine.connect() as conn:
        conn.execute(text("CREATE TEMP TABLE note (body text NOT NULL)"))
        conn.commit()
        conn.execute(text("INSERT INTO note VALUES ('först')"))
        with pytest.raises(exc.IntegrityError):
            conn.execute(text("INSERT INTO note VALUES (NULL)"))
        conn.rollback()
        assert conn.scalar(text("SELECT count(*) FROM note")) == 0  # the first went too
        conn.execute(text("INSERT INTO note VALUES ('sparad')"))
        conn.commit()
        assert not _in_transaction(conn)
        assert list(conn.scalars(text("SELECT body FROM note"))) == ["sparad"]
        conn.execute(text("DROP TABLE note"))
        conn.commit()


def test_a_session_that_only_reads_leaves_no_transaction_open(pg):
    from intranet.org.models import Person

    db.session.query(Person).count()
    assert not _in_transaction(db.session.connection())


def test_a_connection_asked_for_autocommit_runs_each_statement_on_its_own(pg):
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE TEMP TABLE note (body text)"))
        assert not _in_transaction(conn)
        conn.execute(text("DROP TABLE note"))
