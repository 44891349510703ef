"""The parts of documents that need no HTTP: storage, content sniffing, word differences,
Markdown sanitizing, and the services (versions, conflicts, trash)."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from intranet import editing
from intranet.audit.models import AuditEvent
from intranet.documents import services as svc
from intranet.documents import sniff as sn
from intranet.documents.markdown import render_markdown, sanitize
from intranet.documents.models import Document, DocumentVersion, PageRevision
from intranet.documents.storage import CHUNK_SIZE, LocalStorage, StorageError
from intranet.editing.diff import DELETE, EQUAL, INSERT, word_diff
from intranet.extensions import db
from intranet.org.models import Network, Person


def blobs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


class Breaks(io.RawIOBase):
    """A stream that gives `good` bytes and then fails, like a connection that drops."""

    def __init__(self, good: int):
        self.left = good

    def readable(self):
        return True

    def read(self, n=-1):
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        n = min(n if n and n > 0 else self.left, self.left)
        self.left -= n
        return b"a" * n


class Spy(io.RawIOBase):
    """A stream that records the size of every read."""

    def __init__(self, data: bytes):
        self.inner = io.BytesIO(data)
        self.reads: list[int] = []

    def readable(self):
        return True

    def read(self, n=-1):
        self.reads.append(n)
        return self.inner.read(n)


# ---------------------------------------------------------------- storage


def test_storage_writes_by_content_hash_and_stores_identical_content_once(tmp_path):
    store = LocalStorage(tmp_path)
    blob, checked = store.save(io.BytesIO(b"hej"), lambda path: path.read_bytes())
    assert checked == b"hej"
    assert blob.size == 3
    path = store.path(blob.sha256)
    assert path == tmp_path / blob.sha256[:2] / blob.sha256[2:4] / blob.sha256
    assert path.read_bytes() == b"hej"
    again, _ = store.save(io.BytesIO(b"hej"), lambda path: None)
    assert again == blob
    assert blobs(tmp_path) == [path]
    assert store.leftovers() == []


def test_storage_interrupted_write_leaves_no_partial_file_and_no_temp_file(tmp_path):
    store = LocalStorage(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.save(Breaks(3 * CHUNK_SIZE + 17), lambda path: None)
    assert blobs(tmp_path) == []
    assert store.leftovers() == []


def test_storage_refused_content_is_not_kept(tmp_path):
    store = LocalStorage(tmp_path)

    def refuse(path):
        raise sn.Rejected("nej")

    with pytest.raises(sn.Rejected):
        store.save(io.BytesIO(b"MZ\x90\x00"), refuse)
    assert blobs(tmp_path) == []


def test_storage_reads_the_stream_in_chunks(tmp_path):
    data = b"x" * (5 * CHUNK_SIZE + 3)
    spy = Spy(data)
    blob, _ = LocalStorage(tmp_path).save(spy, lambda path: None)
    assert blob.size == len(data)
    assert max(spy.reads) <= CHUNK_SIZE and -1 not in spy.reads


def test_storage_paths_are_hashes_only(tmp_path):
    store = LocalStorage(tmp_path)
    for bad in ["../../etc/passwd", "ab", "", "A" * 64, "g" * 64]:
        with pytest.raises(StorageError):
            store.path(bad)


def test_storage_delete(tmp_path):
    store = LocalStorage(tmp_path)
    blob, _ = store.save(io.BytesIO(b"bort"), lambda path: None)
    assert store.delete(blob.sha256) is True
    assert not store.exists(blob.sha256)
    assert store.delete(blob.sha256) is False


# ---------------------------------------------------------------- sniffing


def _zip(entries: dict[str, bytes], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first:
            archive.writestr(first, entries.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def ooxml(part: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
                 f"{part}/document.xml": b"<x/>"})


def odf(kind: str) -> bytes:
    return _zip({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
                 "content.xml": b"<x/>"}, first="mimetype")


SAMPLES = [
    (b"%PDF-1.7\n%...", "a.txt", sn.PDF),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bild.pdf", sn.PNG),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "foto.jpg", sn.JPEG),
    (ooxml("word"), "a.docx", sn.DOCX),
    (ooxml("xl"), "a.zip", sn.XLSX),
    (ooxml("ppt"), "a.pptx", sn.PPTX),
    (odf("text"), "a.odt", sn.ODT),
    (odf("spreadsheet"), "a.ods", sn.ODS),
    (odf("presentation"), "a.odp", sn.ODP),
    ("Hej på er, Södertörn!\n".encode(), "a.txt", sn.TEXT),
    ("\ufeffKommun;Antal\nHuddinge;3\n".encode(), "data.csv", sn.CSV),
    (b"Kommun;Antal\nHuddinge;3\n", "data.txt", sn.TEXT),
    (b"<html><script>alert(1)</script></html>", "sida.html", sn.TEXT),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bild.svg", sn.TEXT),
]


@pytest.mark.parametrize(("data", "name", "expected"), SAMPLES)
def test_sniff_decides_by_content_not_by_name(tmp_path, data, name, expected):
    path = tmp_path / "f"
    path.write_bytes(data)
    assert sn.sniff(path, name).content_type == expected


REFUSED = [
    (b"", "tom.pdf", "tom"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "program.pdf", "inte av en tillåten typ"),
    (b"Hej\x00d\xe5", "a.txt", "inte av en tillåten typ"),
    ("Hej på er".encode("latin-1"), "a.txt", "inte av en tillåten typ"),
    (b"text med \x1b[31m styrtecken", "a.txt", "inte av en tillåten typ"),
    (_zip({"a.txt": b"hej"}), "arkiv.docx", "ZIP-arkiv"),
    (_zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<x/>",
           "word/vbaProject.bin": b"\x00"}), "makro.docx", "makron"),
    (_zip({"mimetype": b"application/epub+zip"}, first="mimetype"), "bok.odt", "ZIP-arkiv"),
    (b"PK\x03\x04trasigt", "a.xlsx", "trasig"),
    (b"GIF89a\x01\x00", "bild.png", "inte av en tillåten typ"),
]


@pytest.mark.parametrize(("data", "name", "reason"), REFUSED)
def test_sniff_refuses_everything_else_with_a_swedish_reason(app, tmp_path, data, name,
                                                             reason):
    path = tmp_path / "f"
    path.write_bytes(data)
    with pytest.raises(sn.Rejected) as caught:
        sn.sniff(path, name)
    with app.test_request_context():
        assert reason in str(caught.value.reason)


def test_only_pdf_and_images_open_inline():
    assert sn.INLINE == {sn.PDF, sn.PNG, sn.JPEG}
    assert sn.INLINE <= sn.ALLOWED


# ---------------------------------------------------------------- word differences


def test_word_diff_marks_words_added_and_removed():
    diff = word_diff("Vi ses i mars i Huddinge", "Vi ses den 12 mars i Huddinge")
    assert ("delete", "i") in [(c.op, c.text) for c in diff.chunks]
    assert ("insert", "den 12") in [(c.op, c.text) for c in diff.chunks]
    assert diff.changed and diff.inserted_words == 2 and diff.deleted_words == 1
    assert not word_diff("samma text", "samma text").changed


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab cd\nåö", max_size=60), st.text(alphabet="ab cd\nåö", max_size=60))
def test_word_diff_rebuilds_both_texts(old, new):
    diff = word_diff(old, new)
    assert "".join(c.text for c in diff.chunks if c.op in (EQUAL, DELETE)) == old
    assert "".join(c.text for c in diff.chunks if c.op in (EQUAL, INSERT)) == new


# ---------------------------------------------------------------- markdown


class Elements(HTMLParser):
    """The element names and attributes of a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend(attrs)


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klicka](javascript:alert(1))",
    "[klicka](JaVaScRiPt:alert(1))",
    '<a href="/x" hx-get="/natverk/" hx-trigger="load">x</a>',
    '<div data-hx-post="/logga-ut" hx-on:click="alert(1)">x</div>',
    '<p onclick="alert(1)">x</p>',
    "<iframe src=https://example.org></iframe>",
    "<style>body{display:none}</style>",
])
def test_markdown_carries_no_script_and_no_htmx(attack):
    for html in (str(render_markdown(f"Text före\n\n{attack}\n\nText efter")),
                 # the sanitizer alone, as if the converter had let raw HTML through
                 str(sanitize(f"<p>Text före</p>{attack}<p>Text efter</p>"))):
        elements = Elements()
        elements.feed(html)
        assert not elements.tags & {"script", "img", "iframe", "style", "div"}, html
        for name, value in elements.attributes:
            assert not name.startswith(("on", "hx-", "data-hx")), html
            assert "javascript:" not in (value or "").lower(), html
        assert "Text efter" in html


def test_markdown_renders_structure_and_safe_links():
    html = str(render_markdown("# Rubrik\n\n**fet** och [länk](https://example.org)\n\n"
                               "| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<h3>Rubrik</h3>" in html and "<strong>fet</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">länk</a>' in html
    assert "<table>" in html


# ---------------------------------------------------------------- services


@pytest.fixture
def store(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "files"))
    return LocalStorage(tmp_path / "files")


def _people(world):
    return world.network(), world.person("member"), world.person("convener")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_interrupted_halfway_leaves_no_row_no_blob_no_temp(app_ctx, world, store):
    network, member, _ = _people(world)
    with pytest.raises(ConnectionResetError):
        svc.upload_file(network, member, Breaks(2 * CHUNK_SIZE), "stor.txt", storage=store)
    db.session.rollback()
    assert count(Document) == 0 and count(DocumentVersion) == 0
    assert blobs(store.root) == []


def test_refused_upload_writes_nothing(app_ctx, world, store):
    network, member, _ = _people(world)
    with pytest.raises(sn.Rejected):
        svc.upload_file(network, member, io.BytesIO(b"MZ\x90\x00"), "virus.pdf", storage=store)
    db.session.rollback()
    assert count(Document) == 0 and blobs(store.root) == []


def test_new_versions_keep_every_earlier_version(app_ctx, world, store):
    network, member, convener = _people(world)
    doc = svc.upload_file(network, member, io.BytesIO(b"v1\n"), "../../plan.txt",
                          storage=store, tags=svc.parse_tags("Plan, plan ,  remiss"))
    db.session.commit()
    # A path in the name is kept as text, its separators made harmless.
    assert doc.title == ".._.._plan.txt" and doc.tag_names == ["plan", "remiss"]
    svc.add_version(doc, convener, io.BytesIO(b"%PDF-1.4 v2"), "plan.pdf", storage=store,
                    note="Ny struktur")
    db.session.commit()
    numbers = [(v.number, v.content_type, v.created_by.name, v.note) for v in doc.versions]
    assert numbers == [(2, sn.PDF, convener.name, "Ny struktur"), (1, sn.TEXT, member.name, "")]
    assert doc.current_version.number == 2
    for version in doc.versions:
        assert store.path(version.sha256).is_file()
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"document_uploaded", "document_version_added"} <= actions


def test_page_save_from_an_old_version_is_a_conflict_and_writes_nothing(app_ctx, world):
    network, member, convener = _people(world)
    page = svc.create_page(network, member, title="Anteckningar", body="Första texten.")
    db.session.commit()
    started = page.lock_version
    svc.save_page(page, convener, expected_version=started, title="Anteckningar",
                  body="Första texten, ändrad av Kalle.")
    db.session.commit()
    with pytest.raises(editing.EditConflict) as caught:
        svc.save_page(page, member, expected_version=started, title="Anteckningar",
                      body="Första texten, ändrad av Maja.")
    db.session.rollback()
    conflict = caught.value.conflict
    assert conflict.mine == "Första texten, ändrad av Maja."
    assert conflict.current == "Första texten, ändrad av Kalle."
    assert conflict.current_version == page.lock_version
    assert conflict.diff.changed
    assert count(PageRevision) == 2
    svc.save_page(page, member, expected_version=conflict.current_version,
                  title="Anteckningar", body="Första texten, ändrad av Kalle och Maja.")
    db.session.commit()
    assert [r.number for r in page.revisions] == [3, 2, 1]
    assert page.current_revision.body.endswith("Kalle och Maja.")


def test_concurrent_update_of_a_stale_row_fails_instead_of_overwriting(app_ctx, world):
    from sqlalchemy import update
    from sqlalchemy.orm.exc import StaleDataError

    network, member, _ = _people(world)
    page = svc.create_page(network, member, title="Sida", body="a")
    db.session.commit()
    assert page.lock_version == 1  # read
    # Someone else's save lands between our read and our write.
    with db.engine.begin() as other:
        other.execute(update(Document.__table__).where(Document.__table__.c.id == page.id)
                      .values(lock_version=2, title="Deras rubrik"))
    page.title = "Min rubrik"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Document, page.id).title == "Deras rubrik"


def test_empty_trash_removes_rows_and_only_unreferenced_blobs(app_ctx, world, store):
    network, member, _ = _people(world)
    staff = world.person("secretariat")
    kept = svc.upload_file(network, member, io.BytesIO(b"delad\n"), "a.txt", storage=store)
    gone = svc.upload_file(network, member, io.BytesIO(b"delad\n"), "b.txt", storage=store)
    svc.add_version(gone, member, io.BytesIO(b"bara min\n"), "b.txt", storage=store)
    page = svc.create_page(network, member, title="Sida", body="x")
    db.session.commit()
    shared, own = gone.versions[1].sha256, gone.versions[0].sha256
    svc.trash(gone, member)
    svc.trash(page, member)
    db.session.commit()
    assert [d.id for d in svc.list_documents(network, member).items] == [kept.id]
    unused = svc.empty_trash(network, staff, store)
    db.session.commit()
    assert unused == [own]
    assert svc.remove_blobs(store, unused) == 1
    assert store.exists(shared) and not store.exists(own)
    assert count(Document) == 1 and count(PageRevision) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "document_purged")) == 2


def test_list_filters_sorts_and_pages(app_ctx, world, store):
    network, member, convener = _people(world)
    for title, author, tags in [("Beta", member, "plan"), ("alfa", convener, "remiss"),
                                ("Gamma 100%", member, "plan, remiss")]:
        svc.create_page(network, author, title=title, body="", tags=svc.parse_tags(tags))
    db.session.commit()
    titles = lambda **kw: [d.title for d in svc.list_documents(network, member, **kw).items]  # noqa: E731
    assert titles(sort="titel", descending=False) == ["alfa", "Beta", "Gamma 100%"]
    assert titles(sort="forfattare", descending=False)[0] == "alfa"  # Kalle before Maja
    assert titles(tag="remiss", sort="titel", descending=False) == ["alfa", "Gamma 100%"]
    assert titles(query="ALF") == ["alfa"]
    assert titles(query="100%") == ["Gamma 100%"]
    assert titles(query="%") == ["Gamma 100%"]
    page = svc.list_documents(network, member, sort="titel", descending=False, per_page=2,
                              page=2)
    assert [d.title for d in page.items] == ["Gamma 100%"] and page.pages == 2
    assert svc.network_tags(network, member) == ["plan", "remiss"]
    outsider = world.person("other_member")
    assert svc.list_documents(network, outsider).total == 0
    assert svc.network_tags(network, outsider) == []


def test_demo_documents_go_through_the_storage(app, store):
    from intranet.documents.demo import tiny_pdf

    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        versions = list(db.session.scalars(select(DocumentVersion)))
        # Five uploaded files and the letter of the demo response that was sent.
        assert len(versions) == 6
        assert {v.content_type for v in versions} == {sn.PDF, sn.CSV, sn.TEXT, sn.DOCX}
        for v in versions:
            assert store.path(v.sha256).stat().st_size == v.size
        assert count(PageRevision) == 2
        networks = {n.short_name for n in db.session.scalars(
            select(Network).join(Document, Document.network_id == Network.id))}
        assert networks == {"SUP", "Klimat"}
        assert db.session.scalar(select(func.count()).select_from(Person)) > 40
    assert tiny_pdf(["x"]).startswith(b"%PDF-1.4") and tiny_pdf(["x"]).endswith(b"%%EOF\n")
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        assert count(DocumentVersion) == 6
