"""Restoring an old version of a file or an old revision of a page: a new version with the old
content (for a file, the same stored bytes), noted and audited, after a confirmation; refused
when someone saved in between, and for people who may read but not edit."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from intranet.audit.models import AuditEvent
from intranet.documents import services as svc
from intranet.documents.models import Document, DocumentVersion, PageRevision
from intranet.documents.storage import LocalStorage
from intranet.extensions import db
from tests.document_fixtures import (
    FILE_ID,
    PAGE_ID,
    REVISION_IDS,
    SHARED_ID,
    TEXT_V1,
    TRASHED_ID,
    VERSION_IDS,
    build_documents,
)
from tests.test_documents_conflict import _edit_page, hidden

PLAN = "/natverk/plan/dokument"


@pytest.fixture
def store(app, tmp_path, monkeypatch):
    root = tmp_path / "files"
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(root))
    return LocalStorage(root)


@pytest.fixture
def docs(app, world, store):
    return build_documents(app, world)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def blobs(store) -> list:
    return sorted(p for p in store.root.rglob("*") if p.is_file())


def rows(app) -> list:
    """Every row a restore could write."""
    with app.app_context():
        found = []
        for model in (Document, DocumentVersion, PageRevision):
            found.append(sorted(tuple(str(getattr(r, c.key)) for c in model.__table__.columns)
                                for r in db.session.scalars(select(model))))
        found.append(sorted(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.in_(["page_revision_restored", "document_version_restored"])))))
        return found


# ---------------------------------------------------------------- services: pages


def _page_with_three_revisions(world):
    network, member, convener = (world.network(), world.person("member"),
                                 world.person("convener"))
    page = svc.create_page(network, member, title="Anteckningar", body="Första texten.")
    db.session.commit()
    svc.save_page(page, convener, expected_version=page.lock_version, title="Anteckningar 2",
                  body="Andra texten.")
    svc.save_page(page, member, expected_version=page.lock_version, title="Anteckningar 3",
                  body="Tredje texten.")
    db.session.commit()
    return page, member, convener


def test_restoring_an_old_revision_adds_a_new_one_with_its_text_and_an_audit_row(app_ctx,
                                                                               world):
    page, member, convener = _page_with_three_revisions(world)
    first = page.revisions[-1]
    restored = svc.restore_revision(page, first, convener, expected_version=page.lock_version,
                                    note="  Fel  siffror i tredje ")
    db.session.commit()
    assert (restored.number, restored.title, restored.body) == (4, "Anteckningar",
                                                                "Första texten.")
    assert restored.note == "Återställd från version 1. Fel siffror i tredje"
    assert restored.created_by.id == convener.id
    assert page.title == "Anteckningar"
    # Nothing earlier changed: every revision is still there with its own text.
    assert [(r.number, r.body) for r in db.session.scalars(
        select(PageRevision).where(PageRevision.document_id == page.id)
        .order_by(PageRevision.number))] == [
        (1, "Första texten."), (2, "Andra texten."), (3, "Tredje texten."),
        (4, "Första texten.")]
    assert svc.latest_revision(page).number == 4
    (row,) = audit("page_revision_restored")
    assert row.actor_id == convener.id and row.object_id == page.id
    assert (row.detail["revision"], row.detail["restored_from"]) == (4, 1)


def test_restoring_after_someone_saved_is_refused_and_writes_nothing(app_ctx, world):
    page, member, convener = _page_with_three_revisions(world)
    seen = page.lock_version
    svc.save_page(page, member, expected_version=seen, title="Anteckningar",
                  body="Fjärde texten.")
    db.session.commit()
    with pytest.raises(svc.RestoreRefused) as refused:
        svc.restore_revision(page, page.revisions[-1], convener, expected_version=seen)
    db.session.rollback()
    assert refused.value.changed
    assert "ingenting har återställts" in str(refused.value.reason)
    assert count(PageRevision) == 4 and svc.latest_revision(page).body == "Fjärde texten."
    assert audit("page_revision_restored") == []


def test_the_current_revision_is_not_restored_over_itself(app_ctx, world):
    page, member, _ = _page_with_three_revisions(world)
    with pytest.raises(svc.RestoreRefused) as refused:
        svc.restore_revision(page, svc.latest_revision(page), member,
                             expected_version=page.lock_version)
    assert not refused.value.changed
    assert count(PageRevision) == 3


# ---------------------------------------------------------------- services: files


def test_restoring_an_old_file_version_reuses_the_stored_bytes(app_ctx, world, store):
    network, member, convener = (world.network(), world.person("member"),
                                 world.person("convener"))
    doc = svc.upload_file(network, member, io.BytesIO(b"Plan, utkast 1\n"), "plan.txt",
                          storage=store)
    db.session.commit()
    svc.add_version(doc, member, io.BytesIO(b"%PDF-1.4 utkast 2"), "plan.pdf", storage=store)
    db.session.commit()
    stored = blobs(store)
    first = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.document_id == doc.id, DocumentVersion.number == 1))
    restored = svc.restore_version(doc, first, convener, expected_version=doc.lock_version,
                                   storage=store)
    db.session.commit()
    assert (restored.number, restored.sha256, restored.size, restored.content_type,
            restored.filename) == (3, first.sha256, first.size, first.content_type, "plan.txt")
    assert restored.note == "Återställd från version 1."
    # The same blob, neither copied nor removed: the store holds what it held.
    assert blobs(store) == stored
    assert store.path(restored.sha256).read_bytes() == b"Plan, utkast 1\n"
    db.session.expire_all()
    assert [v.number for v in doc.versions] == [3, 2, 1]
    assert doc.current_version.sha256 == first.sha256
    (row,) = audit("document_version_restored")
    assert (row.detail["version"], row.detail["restored_from"]) == (3, 1)
    assert row.actor_id == convener.id


def test_restoring_a_file_after_a_new_upload_is_refused(app_ctx, world, store):
    network, member, convener = (world.network(), world.person("member"),
                                 world.person("convener"))
    doc = svc.upload_file(network, member, io.BytesIO(b"v1\n"), "a.txt", storage=store)
    db.session.commit()
    svc.add_version(doc, member, io.BytesIO(b"v2\n"), "a.txt", storage=store)
    db.session.commit()
    seen = doc.lock_version
    svc.add_version(doc, member, io.BytesIO(b"v3\n"), "a.txt", storage=store)
    db.session.commit()
    with pytest.raises(svc.RestoreRefused) as refused:
        svc.restore_version(doc, doc.versions[-1], convener, expected_version=seen,
                            storage=store)
    db.session.rollback()
    assert refused.value.changed and count(DocumentVersion) == 3


def test_a_version_whose_bytes_are_gone_is_not_restored(app_ctx, world, store):
    network, member = world.network(), world.person("member")
    doc = svc.upload_file(network, member, io.BytesIO(b"v1\n"), "a.txt", storage=store)
    db.session.commit()
    svc.add_version(doc, member, io.BytesIO(b"v2\n"), "a.txt", storage=store)
    db.session.commit()
    first = doc.versions[-1]
    store.delete(first.sha256)
    with pytest.raises(svc.RestoreRefused) as refused:
        svc.restore_version(doc, first, member, expected_version=doc.lock_version,
                            storage=store)
    db.session.rollback()
    assert "finns inte i lagringen" in str(refused.value.reason)
    assert count(DocumentVersion) == 2


# ---------------------------------------------------------------- HTTP: restoring


def test_a_member_confirms_and_restores_an_old_revision(app, docs, login_as):
    c = login_as("member")
    history = c.get(f"{PLAN}/{PAGE_ID}/historik").get_data(as_text=True)
    url = f"{PLAN}/{PAGE_ID}/historik/{REVISION_IDS[0]}/aterstall"
    assert f'href="{url}"' in history
    # The current revision has no restore link.
    assert f"historik/{REVISION_IDS[1]}/aterstall" not in history
    before = rows(app)
    confirm = c.get(url)
    assert confirm.status_code == 200 and rows(app) == before  # a GET changes nothing
    page = confirm.get_data(as_text=True)
    assert "sparas som en ny version, version 3" in page
    assert "Återställ version 1</button>" in page
    answer = c.post(url, {"version": hidden(page, "version"), "note": "Orten var fel."})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{PLAN}/{PAGE_ID}/historik")
    history = c.get(f"{PLAN}/{PAGE_ID}/historik").get_data(as_text=True)
    assert "Version 1 är återställd och är nu den aktuella versionen (version 3)." in history
    assert "Återställd från version 1. Orten var fel." in history
    with app.app_context():
        current = svc.latest_revision(db.session.get(Document, PAGE_ID))
        assert (current.number, current.body) == (3, "Vi träffades i mars.")
        assert len(audit("page_revision_restored")) == 1


def test_a_restore_confirmed_after_another_save_is_refused_with_the_note_kept(app, docs,
                                                                              login_as):
    member, convener = login_as("member"), login_as("convener")
    url = f"{PLAN}/{PAGE_ID}/historik/{REVISION_IDS[0]}/aterstall"
    seen = hidden(member.get(url).get_data(as_text=True), "version")
    assert _edit_page(convener, "Kalles nya text.", seen, "2").status_code == 303
    before = rows(app)
    answer = member.post(url, {"version": seen, "note": "Tillbaka till början"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Någon annan har ändrat dokumentet medan du bekräftade" in page
    assert 'value="Tillbaka till början"' in page
    assert "version 4" in page  # the confirmation now names what a restore would add
    assert rows(app) == before
    # Confirming again, having seen the change, restores.
    assert member.post(url, {"version": hidden(page, "version")}).status_code == 303


def test_a_member_restores_an_old_file_version_without_a_new_upload(app, docs, store,
                                                                    login_as):
    c = login_as("convener")
    show = c.get(f"{PLAN}/{FILE_ID}").get_data(as_text=True)
    url = f"{PLAN}/{FILE_ID}/versioner/{VERSION_IDS[0]}/aterstall"
    assert f'href="{url}"' in show
    assert f"versioner/{VERSION_IDS[1]}/aterstall" not in show
    stored = blobs(store)
    page = c.get(url).get_data(as_text=True)
    assert "dagordning.txt" in page and "Den laddas inte upp igen" in page
    assert c.post(url, {"version": hidden(page, "version")}).status_code == 303
    assert blobs(store) == stored
    download = c.get(f"{PLAN}/{FILE_ID}/ladda-ner")
    assert download.get_data() == TEXT_V1
    download.close()
    show = c.get(f"{PLAN}/{FILE_ID}").get_data(as_text=True)
    assert "Återställd från version 1." in show


@pytest.mark.parametrize("role", ["other_member", "director", "committee"])
def test_people_who_may_read_but_not_edit_a_shared_file_cannot_restore_it(app, docs, login_as,
                                                                         role):
    with app.app_context():
        doc = db.session.get(Document, SHARED_ID)
        svc.add_version(doc, db.session.get(Document, SHARED_ID).created_by,
                        io.BytesIO(b"%PDF-1.4 ny"), "rapport.pdf",
                        storage=LocalStorage(app.config["STORAGE_DIR"]))
        db.session.commit()
        first_id = doc.versions[-1].id
        version = doc.lock_version
    c = login_as(role)
    show = c.get(f"{PLAN}/{SHARED_ID}")
    assert show.status_code == 200
    assert "aterstall" not in show.get_data(as_text=True)
    url = f"{PLAN}/{SHARED_ID}/versioner/{first_id}/aterstall"
    before = rows(app)
    assert c.get(url).status_code == 403
    assert c.post(url, {"version": str(version)}).status_code == 403
    assert rows(app) == before


def test_the_cached_history_shows_restore_links_only_to_those_who_may(app, docs, login_as):
    with app.app_context():
        db.session.get(Document, PAGE_ID).visibility = "everyone"
        db.session.commit()
    assert "aterstall" in login_as("member").get(f"{PLAN}/{PAGE_ID}/historik").get_data(
        as_text=True)
    outsider = login_as("other_member").get(f"{PLAN}/{PAGE_ID}/historik")
    assert outsider.status_code == 200
    assert "aterstall" not in outsider.get_data(as_text=True)


def test_nothing_in_the_trash_or_of_another_kind_is_restored(app, docs, login_as):
    c = login_as("convener")
    assert c.get(f"{PLAN}/{TRASHED_ID}/versioner/9103/aterstall").status_code == 404
    # A page's revision through a file's URL and the other way round.
    assert c.get(f"{PLAN}/{FILE_ID}/historik/{REVISION_IDS[0]}/aterstall").status_code == 404
    assert c.get(f"{PLAN}/{PAGE_ID}/versioner/{VERSION_IDS[0]}/aterstall").status_code == 404
    assert c.get(f"{PLAN}/{PAGE_ID}/historik/{REVISION_IDS[1]}/aterstall").status_code == 200


def test_restoring_the_current_version_says_so_and_offers_no_button(app, docs, login_as):
    page = login_as("member").get(
        f"{PLAN}/{PAGE_ID}/historik/{REVISION_IDS[1]}/aterstall").get_data(as_text=True)
    assert "Version 2 är redan den aktuella versionen" in page
    assert "Återställ version 2</button>" not in page


def test_a_restore_that_loses_the_race_to_another_save_writes_nothing(app, docs, login_as,
                                                                      monkeypatch):
    from sqlalchemy import update

    check = svc._check_restorable

    def another_save_in_between(document, *args):
        check(document, *args)
        # Another worker commits between our check of the version and our write.
        with db.engine.begin() as other:
            other.execute(update(Document.__table__).where(Document.__table__.c.id == PAGE_ID)
                          .values(lock_version=Document.__table__.c.lock_version + 1))

    c = login_as("member")
    url = f"{PLAN}/{PAGE_ID}/historik/{REVISION_IDS[0]}/aterstall"
    seen = hidden(c.get(url).get_data(as_text=True), "version")
    monkeypatch.setattr(svc, "_check_restorable", another_save_in_between)
    before = rows(app)
    answer = c.post(url, {"version": seen, "note": "Mitt skäl"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Någon annan sparade dokumentet samtidigt" in page and 'value="Mitt skäl"' in page
    assert hidden(page, "version") == str(int(seen) + 1)
    after = rows(app)
    assert after[1:] == before[1:]  # no revision, no version, no audit row
