"""Shared database helpers (intranet/extensions.py)."""

from intranet.extensions import commit_keeping_loaded, db
from tests.conftest import make_person
from tests.queries import recorded_statements


def test_a_commit_keeping_loaded_reads_nothing_back_and_then_expires_as_before(app_ctx):
    person = make_person("Saga Berglund")
    with recorded_statements() as statements:
        person.title = "Planeringschef"
        commit_keeping_loaded()
        statements.clear()
        assert person.title == "Planeringschef" and person.name == "Saga Berglund"
        assert statements == []  # as written, not read back
        assert db.session().expire_on_commit is True
        person.title = "Klimatstrateg"
        db.session.commit()
        assert person.title == "Klimatstrateg"
        assert statements  # an ordinary commit expires, and the row is read again
