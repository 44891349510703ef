"""Documents with fixed ids in the test world's networks, for the authorization matrix and
the document tests: a network-only file with two versions, a page with two revisions, a
trashed file (all in "plan"), and a file shared with everyone in "klimat"."""

from __future__ import annotations

import io
from types import SimpleNamespace

from intranet.documents.models import (
    Document,
    DocumentKind,
    DocumentVersion,
    PageRevision,
    Visibility,
)
from intranet.documents.storage import get_storage
from intranet.extensions import db

FILE_ID, PAGE_ID, TRASHED_ID, SHARED_ID, FOREIGN_ID = 9001, 9002, 9003, 9004, 9005
VERSION_IDS = (9101, 9102)
FOREIGN_VERSION_ID = 9105
REVISION_IDS = (9201, 9202)

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
TEXT_V1 = b"Dagordning\n1. Remissen\n"
TEXT_V2 = b"Dagordning\n1. Remissen\n2. Handlingsplanen\n"


def _store(content: bytes):
    blob, _ = get_storage().save(io.BytesIO(content), lambda path: None)
    return blob


def _file(doc_id, network_id, author_id, title, versions, visibility=Visibility.NETWORK,
          deleted=False):
    from intranet import clock

    document = Document(id=doc_id, network_id=network_id, kind=DocumentKind.FILE, title=title,
                        description="", visibility=visibility, created_by_id=author_id,
                        deleted_at=clock.utcnow() if deleted else None)
    for number, (version_id, content, content_type, filename) in enumerate(versions, 1):
        blob = _store(content)
        document.versions.append(DocumentVersion(
            id=version_id, number=number, sha256=blob.sha256, size=blob.size,
            content_type=content_type, filename=filename, note=f"Version {number}",
            created_by_id=author_id))
    db.session.add(document)
    return document


def build_documents(app, world) -> SimpleNamespace:
    ids = world.ids
    with app.app_context():
        _file(FILE_ID, ids.network, ids.member, "Dagordning", [
            (VERSION_IDS[0], TEXT_V1, "text/plain", "dagordning.txt"),
            (VERSION_IDS[1], TEXT_V2, "text/plain", "dagordning.txt"),
        ])
        page = Document(id=PAGE_ID, network_id=ids.network, kind=DocumentKind.PAGE,
                        title="Minnesanteckningar", description="",
                        visibility=Visibility.NETWORK, created_by_id=ids.member)
        page.revisions.append(PageRevision(id=REVISION_IDS[0], number=1, title="Minnesanteckningar",
                                           body="Vi träffades i mars.", created_by_id=ids.member))
        page.revisions.append(PageRevision(id=REVISION_IDS[1], number=2, title="Minnesanteckningar",
                                           body="Vi träffades den 12 mars i Huddinge.",
                                           created_by_id=ids.convener))
        db.session.add(page)
        _file(TRASHED_ID, ids.network, ids.member, "Gammalt utkast",
              [(9103, b"Ett gammalt utkast\n", "text/plain", "utkast.txt")], deleted=True)
        _file(SHARED_ID, ids.network, ids.convener, "Delad rapport",
              [(9104, PDF, "application/pdf", "rapport.pdf")], visibility=Visibility.EVERYONE)
        _file(FOREIGN_ID, ids.other_network, ids.other_member, "Klimatets underlag",
              [(FOREIGN_VERSION_ID, b"Klimat\n", "text/plain", "klimat.txt")])
        db.session.commit()
    return SimpleNamespace(file=FILE_ID, page=PAGE_ID, trashed=TRASHED_ID, shared=SHARED_ID,
                           foreign=FOREIGN_ID)
