"""Documents over HTTP: uploads, versions, downloads, visibility, trash, pages, conflicts,
and that nobody outside a network can see, download, list or guess its documents."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from intranet.audit.models import AuditEvent
from intranet.documents import storage as storage_module
from intranet.documents.models import Document, DocumentTag, DocumentVersion, PageRevision
from intranet.documents.storage import LocalStorage
from intranet.extensions import db
from tests.document_fixtures import (
    FILE_ID,
    FOREIGN_ID,
    FOREIGN_VERSION_ID,
    PAGE_ID,
    SHARED_ID,
    TEXT_V1,
    TEXT_V2,
    TRASHED_ID,
    VERSION_IDS,
    build_documents,
)
from tests.test_documents_units import Elements

PLAN = "/natverk/plan/dokument"
KLIMAT = "/natverk/klimat/dokument"
PDF = b"%PDF-1.4\n% en liten pdf\n%%EOF\n"


@pytest.fixture
def store(app, tmp_path, monkeypatch):
    root = tmp_path / "files"
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(root))
    return LocalStorage(root)


@pytest.fixture
def docs(app, world, store):
    return build_documents(app, world)


def blobs(store) -> list:
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


def snapshot(app):
    """Everything a document request could change."""
    with app.app_context():
        rows = []
        for model in (Document, DocumentVersion, PageRevision, DocumentTag):
            rows.append(sorted(
                tuple(getattr(r, c.key) for c in model.__table__.columns)
                for r in db.session.scalars(select(model))
            ))
        return rows


def upload(client, files, url=f"{PLAN}/ladda-upp", htmx=False, **fields):
    data = {"visibility": "network", **fields,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    response = client.post(url, data, htmx=htmx, content_type="multipart/form-data")
    response.get_data()
    response.close()
    # The test client spools a large request body to a temporary file it does not close.
    response.request.environ["wsgi.input"].close()
    return response


def page_text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- uploads


def test_member_uploads_two_files_at_once(app, world, login_as, store):
    c = login_as("member")
    response = upload(c, [("dagordning.pdf", PDF), ("deltagare.csv", b"Namn;Kommun\nA;B\n")],
                      tags="Möte, protokoll", description="Till mötet")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{PLAN}/")
    with app.app_context():
        documents = list(db.session.scalars(select(Document).order_by(Document.title)))
        assert [d.title for d in documents] == ["dagordning.pdf", "deltagare.csv"]
        assert [d.current_version.content_type for d in documents] == [
            "application/pdf", "text/csv"]
        assert all(d.tag_names == ["möte", "protokoll"] for d in documents)
        assert all(d.description == "Till mötet" for d in documents)
        assert all(d.created_by_id == world.ids.member for d in documents)
    assert len(blobs(store)) == 2
    listing = page_text(c.get(f"{PLAN}/"))
    assert "dagordning.pdf" in listing and "2 filer har laddats upp." in listing


def test_a_single_upload_takes_its_title_and_opens_the_document(app, world, login_as, store):
    response = upload(login_as("convener"), [("a.txt", b"hej\n")], title="Min titel",
                      visibility="everyone")
    assert response.status_code == 303
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.title == "Min titel" and document.visibility == "everyone"
    assert response.headers["Location"].endswith(f"{PLAN}/{document.id}")


def test_refused_file_gets_a_swedish_reason_and_nothing_is_written(app, world, login_as,
                                                                   store):
    response = upload(login_as("member"), [("faktura.pdf", b"MZ\x90\x00\x03\x00")])
    assert response.status_code == 422
    text = page_text(response)
    assert "faktura.pdf" in text and "inte av en tillåten typ" in text
    assert "Tillåtna filtyper" in text
    assert blobs(store) == [] and snapshot(app)[0] == []


def test_mixed_upload_keeps_the_good_file_and_names_the_refused_one(app, world, login_as,
                                                                    store):
    response = upload(login_as("member"),
                      [("bra.txt", b"ok\n"), ("arkiv.docx", _zip_without_office())])
    assert response.status_code == 422
    text = page_text(response)
    assert "arkiv.docx" in text and "ZIP-arkiv tas inte emot" in text
    assert "bra.txt" in text  # listed as saved
    with app.app_context():
        assert list(db.session.scalars(select(Document.title))) == ["bra.txt"]


def _zip_without_office() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hemligt.txt", "x")
    return out.getvalue()


def test_upload_without_files_is_a_422_with_a_message(app, world, login_as, store):
    response = upload(login_as("member"), [], description="Min beskrivning")
    assert response.status_code == 422
    text = page_text(response)
    assert "Välj minst en fil att ladda upp." in text and "Min beskrivning" in text


def test_htmx_upload_error_answers_with_the_form_fragment(app, world, login_as, store):
    response = upload(login_as("member"), [("x.bin", b"\x00\x01\x02")], htmx=True)
    assert response.status_code == 422
    text = page_text(response)
    assert "<html" not in text and "data-upload" in text and "x.bin" in text


def test_oversized_upload_is_413_and_writes_nothing(app, world, login_as, store,
                                                    monkeypatch):
    c = login_as("member")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    response = upload(c, [("stor.txt", b"a" * (80 * 1024))])
    assert response.status_code == 413
    assert "Filen är för stor" in page_text(response)
    assert blobs(store) == [] and snapshot(app)[0] == []


def test_upload_near_the_limit_is_streamed_in_chunks(app, world, login_as, store,
                                                     monkeypatch):
    """Werkzeug spools the upload to a temporary file; our code reads it chunk by chunk and
    never asks for the whole file at once."""
    reads: list[int] = []
    streams = []
    real_save = LocalStorage.save

    class Recording:
        def __init__(self, inner):
            self.inner = inner

        def read(self, n=-1):
            reads.append(n)
            return self.inner.read(n)

    def spying_save(self, stream, check):
        streams.append(stream)
        return real_save(self, Recording(stream), check)

    monkeypatch.setattr(LocalStorage, "save", spying_save)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 6 * 1024 * 1024)
    size = 6 * 1024 * 1024 - 64 * 1024
    response = upload(login_as("member"), [("nara-gransen.txt", b"b" * size)])
    assert response.status_code == 303
    assert sum(r for r in reads if r > 0) >= size
    assert reads and max(reads) <= storage_module.CHUNK_SIZE and -1 not in reads
    assert not isinstance(streams[0], io.BytesIO)  # spooled to disk by the form parser
    with app.app_context():
        assert db.session.scalar(select(DocumentVersion.size)) == size


def test_extra_fields_cannot_set_author_network_or_type(app, world, login_as, store):
    response = upload(login_as("member"), [("a.txt", b"hej\n")],
                      created_by_id=world.ids.secretariat, network_id=world.ids.other_network,
                      content_type="application/pdf", kind="page")
    assert response.status_code == 303
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.created_by_id == world.ids.member
        assert document.network_id == world.ids.network
        assert document.kind == "file"
        assert document.current_version.content_type == "text/plain"


# ---------------------------------------------------------------- versions and downloads


def test_new_version_keeps_the_earlier_ones_and_each_can_be_downloaded(app, docs, login_as):
    c = login_as("convener")
    response = c.post(f"{PLAN}/{FILE_ID}/ny-version",
                      {"file": (io.BytesIO(b"Version tre\n"), "dagordning-v3.txt"),
                       "note": "Punkt 3 tillagd"}, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        document = db.session.get(Document, FILE_ID)
        assert [v.number for v in document.versions] == [3, 2, 1]
        current = document.current_version
        assert (current.note, current.created_by_id) == ("Punkt 3 tillagd", world_id(app))
    assert c.get(f"{PLAN}/{FILE_ID}/ladda-ner", buffered=True).get_data() == b"Version tre\n"
    for version_id, content in zip(VERSION_IDS, (TEXT_V1, TEXT_V2), strict=True):
        url = f"{PLAN}/{FILE_ID}/versioner/{version_id}/ladda-ner"
        assert c.get(url, buffered=True).get_data() == content
    text = page_text(c.get(f"{PLAN}/{FILE_ID}"))
    assert "Punkt 3 tillagd" in text and "Version 3" in text


def world_id(app):
    from intranet.org.models import Person

    with app.app_context():
        return db.session.scalar(select(Person.id).where(Person.name == "Kalle Sammankallande"))


def test_refused_new_version_keeps_the_current_one(app, docs, login_as):
    response = login_as("member").post(
        f"{PLAN}/{FILE_ID}/ny-version",
        {"file": (io.BytesIO(b"\x7fELF\x02\x01"), "ny.txt"), "note": "x"},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Den nya versionen togs inte emot" in page_text(response)
    with app.app_context():
        assert len(db.session.get(Document, FILE_ID).versions) == 2


def test_text_downloads_as_a_plain_text_attachment(app, docs, login_as):
    response = login_as("member").get(f"{PLAN}/{FILE_ID}/ladda-ner", buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "dagordning.txt" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "document_downloaded"))
        assert event.object_id == FILE_ID and event.detail["version"] == 2


def test_pdf_opens_inline(app, docs, login_as):
    response = login_as("member").get(f"{PLAN}/{SHARED_ID}/ladda-ner", buffered=True)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_html_is_stored_and_served_as_text(app, world, login_as, store):
    c = login_as("member")
    upload(c, [("sida.html", b"<html><script>alert(1)</script></html>")])
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))
    response = c.get(f"{PLAN}/{document_id}/ladda-ner", buffered=True)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_download_is_conditional(app, docs, login_as):
    c = login_as("member")
    first = c.get(f"{PLAN}/{FILE_ID}/ladda-ner", buffered=True)
    etag = first.headers["ETag"]
    again = c.get(f"{PLAN}/{FILE_ID}/ladda-ner", headers={"If-None-Match": etag},
                  buffered=True)
    assert again.status_code == 304


# ---------------------------------------------------------------- visibility and IDOR


@pytest.mark.parametrize("role", ["other_member", "director", "committee", "other_director"])
def test_shared_document_is_open_to_everyone_logged_in(app, docs, login_as, role):
    c = login_as(role)
    assert c.get(f"{PLAN}/{SHARED_ID}").status_code == 200
    assert c.get(f"{PLAN}/{SHARED_ID}/ladda-ner", buffered=True).status_code == 200
    listing = page_text(c.get(f"{PLAN}/"))
    assert "Delad rapport" in listing
    assert "Dagordning" not in listing and "Minnesanteckningar" not in listing
    # ...but nobody outside the network changes it.
    assert c.post(f"{PLAN}/{SHARED_ID}/ta-bort").status_code == 403
    assert c.get(f"{PLAN}/{SHARED_ID}/redigera").status_code == 403


@pytest.mark.parametrize("role", ["other_member", "director", "committee"])
def test_outsiders_cannot_see_download_or_change_network_documents(app, docs, login_as, role):
    c = login_as(role)
    before = snapshot(app)
    requests = [
        c.get(f"{PLAN}/{FILE_ID}"),
        c.get(f"{PLAN}/{FILE_ID}", htmx=True),
        c.get(f"{PLAN}/{FILE_ID}/ladda-ner", buffered=True),
        c.get(f"{PLAN}/{FILE_ID}/versioner/{VERSION_IDS[0]}/ladda-ner", buffered=True),
        c.get(f"{PLAN}/{PAGE_ID}/historik"),
        c.get(f"{PLAN}/{PAGE_ID}/jamfor"),
        c.post(f"{PLAN}/{FILE_ID}/ta-bort"),
        c.post(f"{PLAN}/{FILE_ID}/ta-bort", htmx=True),
        c.post(f"{PLAN}/{PAGE_ID}/redigera", {"title": "Kapad", "body": "x", "version": "1",
                                             "visibility": "network"}),
        c.post(f"{PLAN}/{FILE_ID}/ny-version",
               {"file": (io.BytesIO(b"x\n"), "x.txt")}, content_type="multipart/form-data"),
        c.post(f"{PLAN}/{TRASHED_ID}/aterstall"),
    ]
    assert [r.status_code for r in requests] == [404] * len(requests)
    for r in requests:
        assert "Dagordning" not in page_text(r) and "Minnesanteckningar" not in page_text(r)
    assert snapshot(app) == before


def test_a_documents_url_is_read_in_one_statement(app, docs):
    """The network and its document with that id; another network's document is not there."""
    from intranet.documents.services import network_and_document

    with app.app_context():
        network, document = network_and_document("plan", PAGE_ID)
        assert (network.slug, document.id) == ("plan", PAGE_ID)
        network, document = network_and_document("klimat", PAGE_ID)
        assert network.slug == "klimat" and document is None
        assert network_and_document("plan", 999_999)[1] is None
        assert network_and_document("finns-inte", PAGE_ID) == (None, None)


@pytest.mark.parametrize("role", ["member", "secretariat"])
def test_a_document_is_only_reachable_through_its_own_network(app, docs, login_as, role):
    """Plan's document addressed through Klimat's URL, a version id of another document."""
    c = login_as(role)
    before = snapshot(app)
    requests = [
        c.get(f"{KLIMAT}/{FILE_ID}"),
        c.get(f"{KLIMAT}/{FILE_ID}/ladda-ner", buffered=True),
        c.get(f"{KLIMAT}/{FILE_ID}/versioner/{VERSION_IDS[0]}/ladda-ner", buffered=True),
        c.get(f"{PLAN}/{FILE_ID}/versioner/{FOREIGN_VERSION_ID}/ladda-ner", buffered=True),
        c.get(f"{PLAN}/{FOREIGN_ID}"),
        c.get(f"{PLAN}/{PAGE_ID}/historik/{VERSION_IDS[0]}"),
        c.post(f"{KLIMAT}/{FILE_ID}/ta-bort"),
        c.post(f"{KLIMAT}/{FILE_ID}/ta-bort", htmx=True),
        c.post(f"{KLIMAT}/{TRASHED_ID}/aterstall"),
        c.post(f"{KLIMAT}/{PAGE_ID}/redigera", {"title": "x", "body": "x", "version": "1"}),
    ]
    assert [r.status_code for r in requests] == [404] * len(requests)
    assert snapshot(app) == before


def test_guessing_ids_reveals_nothing(app, docs, login_as):
    c = login_as("other_member")
    existing = c.get(f"{PLAN}/{FILE_ID}")
    missing = c.get(f"{PLAN}/987654")
    assert existing.status_code == missing.status_code == 404
    # Identical but for the address itself (the language switch sends you back to it).
    assert page_text(existing).replace(str(FILE_ID), "") == page_text(missing).replace(
        "987654", "")


def test_archived_network_documents_are_closed_to_members(app, world, docs, login_as):
    from intranet import clock
    from intranet.org.models import Network

    with app.app_context():
        db.session.get(Network, world.ids.network).archived_at = clock.utcnow()
        db.session.commit()
    c = login_as("member")
    assert c.get(f"{PLAN}/{FILE_ID}").status_code == 404
    assert c.get(f"{PLAN}/").status_code == 403
    assert login_as("secretariat").get(f"{PLAN}/{FILE_ID}").status_code == 200


# ---------------------------------------------------------------- the list


def test_list_search_filter_sort_and_pages(app, docs, login_as, monkeypatch):
    c = login_as("member")
    text = page_text(c.get(f"{PLAN}/?q=dagord"))
    assert "Dagordning" in text and "Minnesanteckningar" not in text
    fragment = c.get(f"{PLAN}/?q=anteck", htmx=True)
    assert "<html" not in page_text(fragment) and "Minnesanteckningar" in page_text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]
    titles = re.findall(r'class="doc-link"[^>]*>([^<]+)<',
                        page_text(c.get(f"{PLAN}/?sortera=titel")))
    assert titles == ["Dagordning", "Delad rapport", "Minnesanteckningar"]
    titles = re.findall(r'class="doc-link"[^>]*>([^<]+)<',
                        page_text(c.get(f"{PLAN}/?sortera=titel-omvand")))
    assert titles == ["Minnesanteckningar", "Delad rapport", "Dagordning"]
    monkeypatch.setitem(app.config, "DOCUMENTS_PER_PAGE", 2)
    second = page_text(c.get(f"{PLAN}/?sortera=titel&sida=2"))
    assert re.findall(r'class="doc-link"[^>]*>([^<]+)<', second) == ["Minnesanteckningar"]
    assert "sida 2 av 2" in second
    assert "Gammalt utkast" not in page_text(c.get(f"{PLAN}/"))  # in the trash


def test_list_filters_by_tag(app, world, login_as, store):
    c = login_as("member")
    upload(c, [("a.txt", b"a\n")], tags="remiss")
    upload(c, [("b.txt", b"b\n")], tags="protokoll")
    text = page_text(c.get(f"{PLAN}/?etikett=remiss"))
    assert "a.txt" in text and "b.txt" not in text
    assert '<option value="protokoll">' in text


# ---------------------------------------------------------------- trash


def test_delete_moves_to_trash_and_the_convener_restores(app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    assert member.post(f"{PLAN}/{FILE_ID}/ta-bort").status_code == 303
    assert member.get(f"{PLAN}/{FILE_ID}").status_code == 404
    assert member.get(f"{PLAN}/{FILE_ID}/ladda-ner", buffered=True).status_code == 404
    assert member.get(f"{PLAN}/papperskorg").status_code == 403
    assert member.post(f"{PLAN}/{FILE_ID}/aterstall").status_code == 403
    trash = page_text(convener.get(f"{PLAN}/papperskorg"))
    assert "Dagordning" in trash and "Maja Medlem" in trash
    assert "Töm papperskorgen" not in trash  # only the secretariat empties it
    assert convener.post(f"{PLAN}/{FILE_ID}/aterstall").status_code == 303
    assert member.get(f"{PLAN}/{FILE_ID}/ladda-ner", buffered=True).get_data() == TEXT_V2
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("document_%"))))
        assert "document_trashed" in actions and "document_restored" in actions


def test_only_the_secretariat_empties_the_trash_after_confirming(app, docs, login_as, store):
    convener, staff = login_as("convener"), login_as("secretariat")
    assert convener.post(f"{PLAN}/papperskorg/tom", {"confirm": "y"}).status_code == 403
    unconfirmed = staff.post(f"{PLAN}/papperskorg/tom", follow_redirects=True)
    assert "kryssa i rutan" in page_text(unconfirmed)
    with app.app_context():
        assert db.session.get(Document, TRASHED_ID) is not None
        sha = db.session.get(Document, TRASHED_ID).current_version.sha256
    assert store.exists(sha)
    assert staff.post(f"{PLAN}/papperskorg/tom", {"confirm": "y"}).status_code == 303
    with app.app_context():
        assert db.session.get(Document, TRASHED_ID) is None
        assert db.session.get(Document, FILE_ID) is not None
    assert not store.exists(sha)
    emptied = page_text(staff.get(f"{PLAN}/papperskorg"))
    assert "Papperskorgen är tömd (1 dokument)." in emptied
    assert "Papperskorgen är tom." in emptied


# ---------------------------------------------------------------- pages


def test_create_edit_history_and_compare_a_page(app, world, login_as):
    c = login_as("member")
    response = c.post(f"{PLAN}/ny-sida", {"title": "Ståndpunkt", "body": "Vi vill ha fler tåg.",
                                          "tags": "remiss", "visibility": "network"})
    assert response.status_code == 303
    with app.app_context():
        page = db.session.scalar(select(Document).where(Document.kind == "page"))
        page_id, version = page.id, page.lock_version
    form = page_text(c.get(f"{PLAN}/{page_id}/redigera"))
    assert f'name="version" type="hidden" value="{version}"' in form
    response = c.post(f"{PLAN}/{page_id}/redigera", {
        "title": "Ståndpunkt", "body": "Vi vill ha fler och längre tåg.", "note": "Längre tåg",
        "version": str(version), "visibility": "network", "tags": "remiss"})
    assert response.status_code == 303
    history = page_text(c.get(f"{PLAN}/{page_id}/historik"))
    assert "Version 2" in history and "Längre tåg" in history
    compare = page_text(c.get(f"{PLAN}/{page_id}/jamfor"))
    assert re.search(r"<ins><span class=\"visually-hidden\">Tillagt: </span>och längre",
                     compare)
    assert "<del>" not in compare.split('class="diff"')[1].split("</div>")[0]
    with app.app_context():
        ids = [r.id for r in db.session.get(Document, page_id).revisions]
    old = page_text(c.get(f"{PLAN}/{page_id}/historik/{ids[1]}"))
    assert "Vi vill ha fler tåg." in old


def test_page_markdown_is_sanitized_inside_hx_disable(app, world, login_as):
    c = login_as("member")
    body = ("# Rubrik\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n"
            '<a hx-get="/" href="/">y</a>')
    c.post(f"{PLAN}/ny-sida", {"title": "Test", "body": body, "visibility": "network"})
    with app.app_context():
        page_id = db.session.scalar(select(Document.id))
    text = page_text(c.get(f"{PLAN}/{page_id}"))
    rendered = text.split('<div class="markdown" hx-disable>')[1].split("</article>")[0]
    assert "<h3>Rubrik</h3>" in rendered
    elements = Elements()
    elements.feed(rendered)
    assert "script" not in elements.tags
    assert not [a for a, v in elements.attributes
                if a.startswith(("on", "hx-")) or "javascript:" in (v or "")]


def test_preview_over_htmx_returns_the_rendered_fragment(app, world, login_as):
    c = login_as("member")
    response = c.post(f"{PLAN}/ny-sida", {"title": "", "body": "**fet** <script>x</script>",
                                          "action": "preview"}, htmx=True)
    assert response.status_code == 200
    text = page_text(response)
    assert "<html" not in text and "<strong>fet</strong>" in text
    assert "hx-disable" in text and "<script>" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Document.id))) == 0


def test_preview_without_javascript_rerenders_the_form_with_the_text(app, world, login_as):
    c = login_as("member")
    response = c.post(f"{PLAN}/ny-sida", {"title": "Utkast", "body": "*kursiv* text",
                                          "action": "preview", "visibility": "network"})
    assert response.status_code == 200
    text = page_text(response)
    assert "<em>kursiv</em>" in text and "*kursiv* text</textarea>" in text
    assert 'value="Utkast"' in text


def test_invalid_page_keeps_the_text_with_422(app, world, login_as):
    response = login_as("member").post(f"{PLAN}/ny-sida", {"title": "", "body": "Min långa text",
                                                           "visibility": "network"})
    assert response.status_code == 422
    assert "Min långa text</textarea>" in page_text(response)
    assert "Skriv en rubrik." in page_text(response)


def _edit(client, page_id, body, version, title="Minnesanteckningar"):
    return client.post(f"{PLAN}/{page_id}/redigera", {
        "title": title, "body": body, "version": str(version), "visibility": "network",
        "tags": ""})


def test_two_editors_the_second_gets_a_conflict_and_keeps_the_text(app, docs, login_as):
    first, second = login_as("member"), login_as("convener")
    with app.app_context():
        version = db.session.get(Document, PAGE_ID).lock_version
    assert _edit(first, PAGE_ID, "Mötet hölls den 12 mars i Huddinge stadshus.",
                 version).status_code == 303
    conflict = _edit(second, PAGE_ID, "Vi träffades den 12 mars i Huddinge, alla kom.",
                     version)
    assert conflict.status_code == 409
    text = page_text(conflict)
    assert "Någon annan har sparat sidan medan du skrev" in text
    assert "Vi träffades den 12 mars i Huddinge, alla kom.</textarea>" in text
    assert "Mötet hölls den 12 mars i Huddinge stadshus." in text
    assert "<ins>" in text and "<del>" in text and "Borttaget:" in text
    new_version = int(re.search(r'name="version" type="hidden" value="(\d+)"', text).group(1))
    assert new_version != version
    with app.app_context():
        page = db.session.get(Document, PAGE_ID)
        assert page.current_revision.body == "Mötet hölls den 12 mars i Huddinge stadshus."
        assert len(page.revisions) == 3
    merged = "Mötet hölls den 12 mars i Huddinge stadshus; alla kom."
    assert _edit(second, PAGE_ID, merged, new_version).status_code == 303
    with app.app_context():
        page = db.session.get(Document, PAGE_ID)
        assert page.current_revision.body == merged and len(page.revisions) == 4


def test_a_save_without_a_version_is_a_conflict_not_an_overwrite(app, docs, login_as):
    response = login_as("member").post(f"{PLAN}/{PAGE_ID}/redigera", {
        "title": "Minnesanteckningar", "body": "Ny text", "visibility": "network",
        "version": "inte ett tal"})
    assert response.status_code == 409
    assert "Ny text</textarea>" in page_text(response)


def test_saving_a_page_moved_to_the_trash_keeps_the_text(app, docs, login_as):
    with app.app_context():
        version = db.session.get(Document, PAGE_ID).lock_version
    login_as("convener").post(f"{PLAN}/{PAGE_ID}/ta-bort")
    response = _edit(login_as("member"), PAGE_ID, "Text som inte får försvinna", version)
    assert response.status_code == 409
    text = page_text(response)
    assert "Text som inte får försvinna</textarea>" in text
    assert "papperskorgen medan du skrev" in text


def test_failed_csrf_check_on_the_page_form_keeps_the_text(app, docs, login_as):
    c = login_as("member")
    with app.app_context():
        version = db.session.get(Document, PAGE_ID).lock_version
    response = c.post(f"{PLAN}/{PAGE_ID}/redigera", {
        "csrf_token": "utgången", "title": "Minnesanteckningar", "body": "Två timmars arbete",
        "version": str(version), "visibility": "network"}, csrf=False)
    assert response.status_code == 400
    text = page_text(response)
    assert "Två timmars arbete</textarea>" in text
    assert "Din text finns kvar" in text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    again = c.http.post(f"{PLAN}/{PAGE_ID}/redigera", data={
        "csrf_token": token, "title": "Minnesanteckningar", "body": "Två timmars arbete",
        "version": str(version), "visibility": "network"})
    assert again.status_code == 303
    # A new page keeps its text too.
    response = c.post(f"{PLAN}/ny-sida", {"csrf_token": "x", "title": "Ny",
                                          "body": "Nytt utkast"}, csrf=False)
    assert response.status_code == 400 and "Nytt utkast</textarea>" in page_text(response)


def test_failed_csrf_check_on_the_details_form_keeps_the_changes(app, docs, login_as):
    response = login_as("member").post(f"{PLAN}/{FILE_ID}/redigera", {
        "csrf_token": "x", "title": "Ny titel", "description": "Lång beskrivning",
        "visibility": "network", "version": "1"}, csrf=False)
    assert response.status_code == 400
    text = page_text(response)
    assert 'value="Ny titel"' in text and "Lång beskrivning</textarea>" in text
    assert "Dina ändringar finns kvar" in text


def test_failed_csrf_check_elsewhere_still_gets_the_generic_page(app, docs, login_as):
    response = login_as("member").post(f"{PLAN}/{FILE_ID}/ta-bort", {"csrf_token": "x"},
                                       csrf=False)
    assert response.status_code == 400
    assert "Formuläret kunde inte skickas" in page_text(response)


def test_failed_csrf_check_does_not_show_the_form_to_outsiders(app, docs, login_as):
    response = login_as("other_member").post(f"{PLAN}/{PAGE_ID}/redigera", {
        "csrf_token": "x", "title": "t", "body": "hemligt?"}, csrf=False)
    assert response.status_code == 400
    assert "Minnesanteckningar" not in page_text(response)


def test_file_details_edit_checks_the_version(app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    with app.app_context():
        version = db.session.get(Document, FILE_ID).lock_version
    data = {"title": "Dagordning mars", "description": "", "tags": "möte",
            "visibility": "everyone", "version": str(version)}
    assert member.post(f"{PLAN}/{FILE_ID}/redigera", data).status_code == 303
    data["title"] = "Dagordning april"
    response = convener.post(f"{PLAN}/{FILE_ID}/redigera", data)
    assert response.status_code == 409
    assert 'value="Dagordning april"' in page_text(response)
    with app.app_context():
        document = db.session.get(Document, FILE_ID)
        assert (document.title, document.visibility) == ("Dagordning mars", "everyone")


def test_a_save_after_the_login_session_ended_shows_the_text_to_copy(app, docs, login_as):
    from sqlalchemy import update

    from intranet import clock
    from intranet.auth.models import LoginSession

    c = login_as("member")
    form = page_text(c.get(f"{PLAN}/{PAGE_ID}/redigera"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    with app.app_context():
        db.session.execute(update(LoginSession).values(revoked_at=clock.utcnow()))
        db.session.commit()
    response = c.http.post(f"{PLAN}/{PAGE_ID}/redigera", data={
        "csrf_token": token, "title": "Minnesanteckningar", "body": "Det jag skrev i en timme",
        "version": "1", "visibility": "network"})
    assert response.status_code == 401
    text = page_text(response)
    assert "Du har loggats ut" in text and "Det jag skrev i en timme</textarea>" in text
    assert "Vi träffades" not in text  # nothing from the page itself
    # Logged out for good (the session and its CSRF token are gone): the text is still shown.
    c.logout()
    response = c.http.post(f"{PLAN}/{PAGE_ID}/redigera", data={
        "csrf_token": token, "body": "Fortfarande kvar"})
    assert response.status_code == 401 and "Fortfarande kvar</textarea>" in page_text(response)
    # Other forms keep their usual answer.
    assert c.http.post(f"{PLAN}/{FILE_ID}/ta-bort").status_code == 400


def test_ids_beyond_the_database_range_are_not_found(app, docs, login_as):
    c = login_as("member")
    huge = 2**63
    for url in [f"{PLAN}/{huge}", f"{PLAN}/{huge}/ladda-ner",
                f"{PLAN}/{FILE_ID}/versioner/{huge}/ladda-ner",
                f"{PLAN}/{PAGE_ID}/historik/{huge}", f"{PLAN}/2147483648"]:
        assert c.get(url).status_code == 404, url
    assert c.get(f"{PLAN}/{PAGE_ID}/jamfor?fran={huge}&till=-1").status_code == 200
    assert c.get(f"{PLAN}/?sida={huge}").status_code == 200


def test_a_page_shows_and_saves_without_loading_its_history(app, docs, login_as):
    """Viewing, editing and saving a page reads its current revision alone: a history that
    grows with every save is not loaded to show or extend it."""
    from sqlalchemy import event as sa_event

    from intranet.documents.models import PageRevision

    c = login_as("member")
    url = f"{PLAN}/{PAGE_ID}"
    for n in range(3):  # a few saves make a history
        version = re.search(r'name="version"[^>]*value="(\d+)"',
                            c.get(f"{url}/redigera").get_data(as_text=True)).group(1)
        assert c.post(f"{url}/redigera", {"title": "Mötesanteckningar", "body": f"Text {n}",
                                          "version": version, "visibility": "network",
                                          "tags": ""}).status_code == 303
    loaded = []

    def count(target, _context):
        loaded.append(target.number)

    sa_event.listen(PageRevision, "load", count)
    try:
        page = c.get(url).get_data(as_text=True)
        editor = c.get(f"{url}/redigera").get_data(as_text=True)
    finally:
        sa_event.remove(PageRevision, "load", count)
    assert "Text 2" in page and "Text 2" in editor
    assert len(loaded) == 2  # the current revision, once for each page
