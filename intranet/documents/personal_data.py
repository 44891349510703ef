"""What a person wrote in the shared documents, for Mina uppgifter."""

from sqlalchemy import select

from intranet.accounts.services import personal_data_provider
from intranet.documents.models import Document, DocumentVersion, PageRevision
from intranet.extensions import db
from intranet.org.models import Network
from intranet.text import iso_or_none


@personal_data_provider
def uploaded_files(person):
    rows = db.session.execute(
        select(DocumentVersion, Document, Network.name)
        .join(Document, DocumentVersion.document_id == Document.id)
        .join(Network, Document.network_id == Network.id)
        .where(DocumentVersion.created_by_id == person.id).order_by(DocumentVersion.created_at)
    ).all()
    return "document_versions_uploaded", [
        {"document": d.title, "network": network, "version": v.number,
         "filename": v.filename, "size": v.size, "note": v.note, "at": iso_or_none(v.created_at)}
        for v, d, network in rows
    ]


@personal_data_provider
def written_pages(person):
    rows = db.session.execute(
        select(PageRevision, Document, Network.name)
        .join(Document, PageRevision.document_id == Document.id)
        .join(Network, Document.network_id == Network.id)
        .where(PageRevision.created_by_id == person.id).order_by(PageRevision.created_at)
    ).all()
    return "page_revisions_written", [
        {"document": d.title, "network": network, "revision": r.number,
         "title": r.title, "text": r.body, "note": r.note, "at": iso_or_none(r.created_at)}
        for r, d, network in rows
    ]
