"""The component for editing together (intranet/editing): the versioned save, the conflict of
a save that lost the race, and the editors using it rather than each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError

from intranet import editing
from intranet.documents import services as documents
from intranet.documents.models import Document, PageRevision
from intranet.editing.save import VersionedTable
from intranet.extensions import db

PACKAGE = Path(__file__).resolve().parent.parent / "intranet"
PAGES = VersionedTable(Document, "lock_version", revisions=PageRevision, owner="document_id")


def _page(world):
    page = documents.create_page(world.network(), world.person("member"), title="Anteckningar",
                                 body="Första.")
    db.session.commit()
    return page


def test_the_versioned_save_writes_the_next_version_and_numbers_the_revision(app_ctx, world):
    page, member = _page(world), world.person("member")
    assert PAGES.write(page, {"title": "Nya anteckningar"}) == 2
    assert PAGES.add_revision(page.id, {"title": "Nya anteckningar", "body": "Andra.",
                                        "note": "", "created_by_id": member.id,
                                        "created_at": page.updated_at}) == 2
    assert (page.title, page.lock_version) == ("Nya anteckningar", 2)
    assert page not in db.session.dirty
    db.session.commit()
    db.session.expire_all()
    assert (page.title, page.lock_version) == ("Nya anteckningar", 2)
    assert [r.number for r in page.revisions] == [2, 1]


def test_the_versioned_save_writes_nothing_when_another_save_came_in_between(app_ctx, world):
    page = _page(world)
    with db.engine.begin() as other:
        other.execute(update(Document).where(Document.id == page.id)
                      .values(lock_version=2, title="Deras"))
    with pytest.raises(StaleDataError):
        PAGES.write(page, {"title": "Min"})
    db.session.rollback()
    assert (page.title, page.lock_version) == ("Deras", 2)


def test_a_save_that_lost_the_race_is_a_conflict_with_both_texts(app_ctx):
    conflict = editing.saved_in_between(3, "Min text.", "Deras text.").conflict
    assert (conflict.current_version, conflict.mine, conflict.current) == (
        3, "Min text.", "Deras text.")
    assert conflict.diff.changed
    with pytest.raises(editing.EditConflict):
        editing.check_version(2, 3, "Min text.", lambda: "Deras text.")
    editing.check_version(3, 3, "Min text.", lambda: pytest.fail("read without a conflict"))


def test_the_page_of_a_page_save_that_lost_the_race_shows_the_conflict(app, world, login_as,
                                                                       monkeypatch):
    with app.app_context():
        page = _page(world)
        page_id, url = page.id, f"/natverk/{page.network.slug}/dokument/{page.id}/redigera"
    check, raced = documents.check_version, []

    def another_save_in_between(*args):
        check(*args)
        if not raced:
            raced.append(True)
            with db.engine.begin() as other:
                other.execute(update(Document).where(Document.id == page_id)
                              .values(lock_version=2))
                other.execute(PageRevision.__table__.insert().values(
                    document_id=page_id, number=2, title="Anteckningar", body="Deras text.",
                    note="", created_at=page.updated_at))

    monkeypatch.setattr(documents, "check_version", another_save_in_between)
    answer = login_as("member").post(url, {"title": "Anteckningar", "body": "Min text.",
                                           "version": "1", "base": "1",
                                           "visibility": "network", "tags": ""})
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert "Texten ni båda utgick från" in text and "Min text.</textarea>" in text
    with app.app_context():
        assert documents.latest_revision(db.session.get(Document, page_id)).body == "Deras text."


@pytest.mark.parametrize("package", ["consultations", "actions"])
def test_the_editors_take_editing_from_the_component_not_from_documents(package):
    for path in (PACKAGE / package).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module not in ("intranet.documents.diff",), path
                if node.module == "intranet.documents.services":
                    names = {alias.name for alias in node.names}
                    assert not names & {"EditConflict", "check_version", "with_base",
                                        "latest_number", "revision_number",
                                        "normalise_text", "compare"}, path
