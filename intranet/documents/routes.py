"""A network's documents: list, upload, versions, downloads, text pages, history, trash."""

from __future__ import annotations

import logging

from babel.lists import format_list
from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from intranet import cache
from intranet.authz import authorize, authorize_visible, may
from intranet.counts import count
from intranet.documents import bp
from intranet.documents import services as svc
from intranet.documents.forms import (
    ButtonForm,
    DetailsForm,
    EmptyTrashForm,
    NewVersionForm,
    PageForm,
    RestoreForm,
    UploadForm,
)
from intranet.documents.markdown import render_markdown
from intranet.documents.models import Document, PageRevision
from intranet.documents.sniff import ALLOWED_TEXT, INLINE, Rejected
from intranet.documents.storage import get_storage
from intranet.editing import EditConflict, word_diff
from intranet.editing.views import keeps_text, save_text
from intranet.extensions import db
from intranet.htmx import is_htmx, render
from intranet.i18n import current_locale
from intranet.org.models import Network
from intranet.urls import db_int, network_or_404

log = logging.getLogger(__name__)

# ?sortera= value → (column, descending)
SORTS = {
    "datum": ("datum", True),
    "aldst": ("datum", False),
    "titel": ("titel", False),
    "titel-omvand": ("titel", True),
    "forfattare": ("forfattare", False),
    "forfattare-omvand": ("forfattare", True),
}


# ---------------------------------------------------------------- loading


def _network(slug: str) -> Network:
    return network_or_404(slug)


def _document(slug: str, document_id: int, action: str = "view_document"):
    """Load, then check: a document the person may not view is absent (404), whatever its
    network; one they may view but not change is refused (403)."""
    network, document = svc.network_and_document(slug, document_id)
    if network is None:
        abort(404)
    document = authorize_visible(current_user, "view_document", document, action)
    return network, document


def _trashed(slug: str, document_id: int):
    """A document in the trash: only people who work in the network know it exists."""
    network, document = svc.network_and_document(slug, document_id)
    if document is None or not document.is_deleted:
        abort(404)
    authorize_visible(current_user, "view_all_documents", network, "manage_document_trash")
    return network, document


def _version_number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- the list


@bp.get("/")
def index(slug: str):
    """The network's documents, searched, sorted and paged. A cached fragment: the same for
    everyone who sees the same documents and the same buttons, until a document changes."""
    cache.versions()  # before the network the fragment shows
    network = _network(slug)
    authorize(current_user, "list_documents", network)
    query = request.args.get("q", "").strip()[:100]
    tag = request.args.get("etikett", "").strip().lower()[:40]
    sort = request.args.get("sortera", "datum")
    if sort not in SORTS:
        sort = "datum"
    column, descending = SORTS[sort]
    page = request.args.get("sida", 1, type=db_int)
    manages_trash = may(current_user, "manage_document_trash", network)

    def context() -> dict:
        result = svc.list_documents(
            network, current_user, query=query, tag=tag, sort=column, descending=descending,
            page=page, per_page=current_app.config["DOCUMENTS_PER_PAGE"],
        )
        return dict(network=network, result=result, query=query, tag=tag, sort=sort,
                    tags=svc.network_tags(network, current_user),
                    trash_count=svc.trash_count(network) if manages_trash else 0)

    htmx = is_htmx()
    # What the list shows follows from these: which documents the person sees, the buttons.
    viewer = (may(current_user, "view_all_documents", network),
              may(current_user, "add_documents", network), manages_trash)
    cached = cache.blocks("documents/index.html",
                          ("results",) if htmx else ("network_content",),
                          (network.id, query, tag, sort, page, viewer, htmx),
                          ("documents", "org"), context)
    return render("documents/index.html", block="results", network=network, cached=cached)


# ---------------------------------------------------------------- files


@bp.route("/ladda-upp", methods=["GET", "POST"])
def upload(slug: str):
    network = _network(slug)
    authorize(current_user, "add_documents", network)
    form = UploadForm()
    rejected: list[tuple[str, str]] = []
    saved: list[Document] = []
    if form.validate_on_submit():
        storage = get_storage()
        files = [f for f in form.files.data if f and f.filename]
        single = len(files) == 1
        for file in files:
            try:
                document = svc.upload_file(
                    network, current_user, file.stream, file.filename, storage=storage,
                    title=(form.title.data or "") if single else "",
                    description=form.description.data or "",
                    tags=svc.parse_tags(form.tags.data),
                    visibility=form.visibility.data,
                )
            except Rejected as error:
                rejected.append((svc.clean_filename(file.filename), str(error.reason)))
            else:
                saved.append(document)
        db.session.commit()
        if not rejected:
            flash(ngettext("%(num)s fil har laddats upp.", "%(num)s filer har laddats upp.",
                           len(saved)), "success")
            if single:
                return redirect(url_for(".show", slug=slug, document_id=saved[0].id), 303)
            return redirect(url_for(".index", slug=slug), 303)
    status = 200 if request.method == "GET" else 422
    return render("documents/upload.html", block="upload_form", status=status,
                  network=network, form=form, rejected=rejected, saved=saved,
                  allowed_text=ALLOWED_TEXT,
                  max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))


@bp.app_template_filter("spoken_list")
def spoken_list(items) -> str:
    """Words as a sentence lists them: "A, B och C" (in English "A, B, and C")."""
    items = list(items)
    return format_list(items, locale=current_locale()) if items else ""


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """A byte count in Swedish: 512 byte, 14,2 kB, 3,1 MB."""
    if size < 1024:
        return count(size, "byte")
    for unit in ("kB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{format_decimal(round(size, 1))} {unit}"
    return str(size)


@bp.get("/<int:document_id>")
def show(slug: str, document_id: int):
    network, document = _document(slug, document_id)
    return _render_show(network, document, NewVersionForm(formdata=None))


def _render_show(network, document, version_form, status=200, rejected=None):
    # A page's current revision read alone: its history grows with every save.
    current = svc.latest_revision(document) if document.is_page else None
    return render(
        "documents/show.html",
        block="new_version",
        status=status,
        network=network,
        document=document,
        version_form=version_form,
        button_form=ButtonForm(formdata=None),
        rejected=rejected,
        current_revision=current,
        body_html=render_markdown(current.body) if current else None,
        allowed_text=ALLOWED_TEXT,
        max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    )


@bp.post("/<int:document_id>/ny-version")
def new_version(slug: str, document_id: int):
    network, document = _document(slug, document_id, "edit_document")
    if not document.is_file:
        abort(404)
    form = NewVersionForm()
    rejected = None
    if form.validate_on_submit():
        file = form.file.data
        try:
            version = svc.add_version(document, current_user, file.stream, file.filename,
                                      storage=get_storage(), note=form.note.data or "")
            db.session.commit()
        except Rejected as error:
            db.session.rollback()
            rejected = str(error.reason)
        except StaleDataError:
            db.session.rollback()
            rejected = _("Någon annan laddade upp en version samtidigt. Försök igen.")
        else:
            flash(_("Version %(num)s är sparad och är nu den aktuella.", num=version.number),
                  "success")
            return redirect(url_for(".show", slug=slug, document_id=document.id), 303)
    document = db.session.get(Document, document_id)
    return _render_show(network, document, form, status=422, rejected=rejected)


def _send(document: Document, version):
    path = get_storage().path(version.sha256)
    if not path.is_file():
        log.error("Blob %s of document %s is missing", version.sha256, document.id)
        abort(404)
    svc.record_download(document, version, current_user)
    db.session.commit()
    # The stored type was sniffed from the bytes; text (HTML source included) is only ever
    # text/plain or text/csv, to which Werkzeug adds the UTF-8 charset.
    mimetype = version.content_type
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=version.content_type not in INLINE,
        download_name=version.filename,
        conditional=True,
        etag=version.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:document_id>/ladda-ner")
def download(slug: str, document_id: int):
    network, document = _document(slug, document_id)
    if not document.is_file or document.current_version is None:
        abort(404)
    return _send(document, document.current_version)


@bp.get("/<int:document_id>/versioner/<int:version_id>/ladda-ner")
def download_version(slug: str, document_id: int, version_id: int):
    network, document = _document(slug, document_id)
    version = svc.get_version(document, version_id)
    if version is None:
        abort(404)
    return _send(document, version)


# ---------------------------------------------------------------- details and pages


@bp.route("/<int:document_id>/redigera", methods=["GET", "POST"])
def edit(slug: str, document_id: int):
    network = _network(slug)
    document = svc.get_document(network, document_id)
    if (request.method == "POST" and document is not None and document.is_deleted
            and may(current_user, "view_all_documents", network)):
        # Moved to the trash while someone was editing: keep what they wrote.
        return _page_or_details_form(network, document, status=409, trashed=True)
    network, document = _document(slug, document_id, "edit_document")
    if document.is_page:
        return _edit_page(network, document)
    return _edit_details(network, document)


def _edit_details(network, document):
    form = DetailsForm(obj=None if request.method == "POST" else document)
    if request.method == "GET":
        form.tags.data = ", ".join(document.tag_names)
        form.version.data = document.lock_version
    conflict = None
    if form.validate_on_submit():
        try:
            svc.update_details(
                document, current_user, expected_version=_version_number(form.version.data),
                title=form.title.data, description=form.description.data or "",
                tags=svc.parse_tags(form.tags.data), visibility=form.visibility.data,
            )
            db.session.commit()
        except (EditConflict, StaleDataError):
            db.session.rollback()
            document = db.session.get(Document, document.id)
            conflict = True
            form.version.data = document.lock_version
        else:
            flash(_("Uppgifterna är sparade."), "success")
            return redirect(url_for(".show", slug=network.slug, document_id=document.id), 303)
    status = 200 if request.method == "GET" else (409 if conflict else 422)
    return render("documents/edit.html", status=status, network=network, document=document,
                  form=form, conflict=conflict)


def _edit_page(network, document):
    form = PageForm()
    if request.method == "GET":
        current = svc.latest_revision(document)
        form.title.data = document.title
        form.body.data = current.body if current else ""
        form.tags.data = ", ".join(document.tag_names)
        form.visibility.data = document.visibility
        form.version.data = document.lock_version
        form.base.data = current.number if current else ""
        return _page_form(network, document, form)
    if request.form.get("action") == "preview":
        return _page_form(network, document, form, preview=True)
    if not form.validate():
        return _page_form(network, document, form, status=422)

    def show(form, **given):
        return _page_form(network, document, form, **given)

    def saved_now():
        current = svc.latest_revision(document)
        return document.lock_version, current.body if current else ""

    answer = save_text(
        form, lambda: svc.save_page(
            document, current_user, expected_version=_version_number(form.version.data),
            title=form.title.data, body=form.body.data or "", note=form.note.data or "",
            tags=svc.parse_tags(form.tags.data), visibility=form.visibility.data),
        owner=PageRevision.document_id, owner_id=document.id, reload=saved_now, show=show,
        saved_fields=lambda: _page_fields(document, form))
    if answer is not None:
        return answer
    flash(_("Sidan är sparad."), "success")
    return redirect(url_for(".show", slug=network.slug, document_id=document.id), 303)


def _page_fields(document, form) -> dict:
    """A page's tags and visibility as saved and as in the form (they have no revisions), as
    the form shows them: the conflict view names those that differ."""
    labels = {choice.value: str(choice.label) for choice in form.visibility.choices}
    return {
        "tags": (", ".join(document.tag_names), ", ".join(svc.parse_tags(form.tags.data))),
        "visibility": (labels.get(document.visibility, document.visibility),
                       labels.get(form.visibility.data, form.visibility.data or "")),
    }


def _page_form(network, document, form, status=200, preview=False, conflict=None,
               trashed=False, csrf_failed=False):
    preview_html = render_markdown(form.body.data or "") if preview else None
    return render(
        "documents/page_form.html",
        block="preview" if preview else None,
        status=status,
        network=network,
        document=document,
        form=form,
        preview_html=preview_html,
        conflict=conflict,
        trashed=trashed,
        csrf_failed=csrf_failed,
    )


def _page_or_details_form(network, document, status, trashed=False):
    if document.is_page:
        return _page_form(network, document, PageForm(), status=status, trashed=trashed)
    return render("documents/edit.html", status=status, network=network, document=document,
                  form=DetailsForm(), conflict=None, trashed=trashed)


KEPT_FIELDS = {"title": _l("Rubrik"), "body": _l("Text"), "description": _l("Beskrivning")}


@bp.route("/ny-sida", methods=["GET", "POST"])
def new_page(slug: str):
    network = _network(slug)
    authorize(current_user, "add_documents", network)
    form = PageForm()
    if request.method == "GET":
        return _page_form(network, None, form)
    if request.form.get("action") == "preview":
        return _page_form(network, None, form, preview=True)
    if not form.validate():
        return _page_form(network, None, form, status=422)
    document = svc.create_page(network, current_user, title=form.title.data,
                               body=form.body.data or "", note=form.note.data or "",
                               tags=svc.parse_tags(form.tags.data),
                               visibility=form.visibility.data)
    db.session.commit()
    flash(_("Sidan är skapad."), "success")
    return redirect(url_for(".show", slug=slug, document_id=document.id), 303)


@keeps_text("documents.edit", "documents.new_page", fields=KEPT_FIELDS)
def _keep_page_text(slug: str = "", document_id: int | None = None):
    """The CSRF check failed (e.g. logged out and in again elsewhere): the form again with
    what was posted, for a person who may still edit."""
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        return None
    document = None
    if document_id is not None:
        document = svc.get_document(network, document_id)
        if document is None or not may(current_user, "edit_document", document):
            return None
        if not document.is_page:
            return render("documents/edit.html", status=400, network=network,
                          document=document, form=DetailsForm(), conflict=None,
                          csrf_failed=True)
    elif not may(current_user, "add_documents", network):
        return None
    form = PageForm(meta={"csrf": True})
    return _page_form(network, document, form, status=400, csrf_failed=True)


# ---------------------------------------------------------------- history


@bp.get("/<int:document_id>/historik")
def history(slug: str, document_id: int):
    """A page's revisions: the same for everyone who may see the page, a cached fragment
    until a document changes."""
    cache.versions()  # before the document the fragment shows
    network, document = _document(slug, document_id)
    if not document.is_page:
        abort(404)

    def context() -> dict:
        svc.load_history(document)
        return dict(network=network, document=document)

    restores = may(current_user, "restore_document_version", document)
    cached = cache.blocks("documents/history.html", ("network_content",),
                          (document.id, restores), ("documents", "org"), context)
    return render("documents/history.html", network=network, document=document,
                  cached=cached)


@bp.get("/<int:document_id>/historik/<int:revision_id>")
def revision(slug: str, document_id: int, revision_id: int):
    network, document = _document(slug, document_id)
    found = svc.get_revision(document, revision_id) if document.is_page else None
    if found is None:
        abort(404)
    return render("documents/revision.html", network=network, document=document,
                  revision=found, current_revision=svc.latest_revision(document),
                  body_html=render_markdown(found.body))


# ---------------------------------------------------------------- restoring an old version


@bp.route("/<int:document_id>/historik/<int:revision_id>/aterstall", methods=["GET", "POST"])
def restore_revision(slug: str, document_id: int, revision_id: int):
    """Confirm, then make an old revision of a page the current one (as a new revision)."""
    network, document = _document(slug, document_id, "restore_document_version")
    old = svc.get_revision(document, revision_id) if document.is_page else None
    if old is None:
        abort(404)

    def restore(form):
        return svc.restore_revision(document, old, current_user,
                                    expected_version=_version_number(form.version.data),
                                    note=form.note.data or "")

    return _restore(network, document, old, restore,
                    url_for(".history", slug=slug, document_id=document.id))


@bp.route("/<int:document_id>/versioner/<int:version_id>/aterstall", methods=["GET", "POST"])
def restore_version(slug: str, document_id: int, version_id: int):
    """Confirm, then make an old version of a file the current one (as a new version of the
    same stored file)."""
    network, document = _document(slug, document_id, "restore_document_version")
    old = svc.get_version(document, version_id) if document.is_file else None
    if old is None:
        abort(404)

    def restore(form):
        return svc.restore_version(document, old, current_user,
                                   expected_version=_version_number(form.version.data),
                                   storage=get_storage(), note=form.note.data or "")

    return _restore(network, document, old, restore,
                    url_for(".show", slug=slug, document_id=document.id))


def _restore(network, document, old, restore, done_url):
    """The confirmation page of a restore, and its POST: done → 303 to where the new
    version shows; refused (someone saved in between) → the page again with the reason, the
    current state and the note as typed."""
    form = RestoreForm()
    refused = None
    status = 200
    if request.method == "GET":
        form.version.data = document.lock_version
    elif form.validate_on_submit():
        try:
            new = restore(form)
            db.session.commit()
        except svc.RestoreRefused as error:
            db.session.rollback()
            refused, status = error, 409
        except StaleDataError:
            # Another save won the race between our check and our write.
            db.session.rollback()
            refused = svc.RestoreRefused(_("Någon annan sparade dokumentet samtidigt, så "
                                           "ingenting har återställts. Se efter hur det ser "
                                           "ut nu och bekräfta igen om du fortfarande vill "
                                           "återställa."), changed=True)
            status = 409
        else:
            flash(_("Version %(old)s är återställd och är nu den aktuella versionen "
                    "(version %(new)s).", old=old.number, new=new.number), "success")
            return redirect(done_url, 303)
        document = db.session.get(Document, document.id)
        form.version.data = document.lock_version  # confirming again restores over what is now
    else:
        status = 422
    context = dict(network=network, document=document, form=form, refused=refused)
    if document.is_page:
        current = svc.latest_revision(document)
        context.update(revision=old, current=current,
                       body_diff=word_diff(current.body, old.body),
                       title_diff=word_diff(current.title, old.title))
    else:
        context.update(version=old, current=document.current_version)
    return render("documents/restore.html", status=status, **context)


@bp.get("/<int:document_id>/jamfor")
def compare(slug: str, document_id: int):
    network, document = _document(slug, document_id)
    if not document.is_page:
        abort(404)
    revisions = document.revisions
    by_id = {r.id: r for r in revisions}
    newer = by_id.get(request.args.get("till", type=db_int)) or revisions[0]
    older = by_id.get(request.args.get("fran", type=db_int))
    if older is None:
        older = next((r for r in revisions if r.number < newer.number), newer)
    if older.number > newer.number:
        older, newer = newer, older
    return render(
        "documents/compare.html",
        network=network,
        document=document,
        older=older,
        newer=newer,
        body_diff=word_diff(older.body, newer.body),
        title_diff=word_diff(older.title, newer.title),
    )


# ---------------------------------------------------------------- trash


@bp.post("/<int:document_id>/ta-bort")
def delete(slug: str, document_id: int):
    network, document = _document(slug, document_id, "edit_document")
    if ButtonForm().validate_on_submit():
        svc.trash(document, current_user)
        db.session.commit()
        flash(_("”%(title)s” har flyttats till papperskorgen.", title=document.title),
              "success")
    return redirect(url_for(".index", slug=slug), 303)


@bp.get("/papperskorg")
def trash(slug: str):
    network = _network(slug)
    authorize(current_user, "manage_document_trash", network)
    return render("documents/trash.html", network=network,
                  documents=svc.trashed_documents(network), button_form=ButtonForm(formdata=None),
                  empty_form=EmptyTrashForm(formdata=None))


@bp.post("/<int:document_id>/aterstall")
def restore(slug: str, document_id: int):
    network, document = _trashed(slug, document_id)
    if ButtonForm().validate_on_submit():
        svc.restore(document, current_user)
        db.session.commit()
        flash(_("”%(title)s” är återställt.", title=document.title), "success")
    return redirect(url_for(".trash", slug=slug), 303)


@bp.post("/papperskorg/tom")
def empty_trash(slug: str):
    network = _network(slug)
    authorize(current_user, "empty_document_trash", network)
    form = EmptyTrashForm()
    if not form.validate_on_submit():
        flash(_("Papperskorgen är inte tömd: kryssa i rutan för att bekräfta."), "error")
    else:
        storage = get_storage()
        emptied = len(svc.trashed_documents(network))
        unused = svc.empty_trash(network, current_user, storage)
        db.session.commit()
        svc.remove_blobs(storage, unused)
        flash(_("Papperskorgen är tömd (%(documents)s).", documents=count(emptied, "document")),
              "success")
    return redirect(url_for(".trash", slug=slug), 303)
