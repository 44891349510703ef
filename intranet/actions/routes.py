"""The action list: a network's rows, edited in place or as a form, the combined plan of all
networks, import and export, and the follow-up for the committee and the management group."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from intranet import cache, clock
from intranet.actions import bp, export, services
from intranet.actions.forms import (
    CELL_FORMS,
    CELLS,
    ActionItemForm,
    ButtonForm,
    ImportForm,
    MoveForm,
)
from intranet.actions.importer import MAX_FILE_BYTES, ColumnMapping
from intranet.actions.services import ActionFilter, EditConflict, ImportUnavailable
from intranet.authz import authorize, may
from intranet.csvfile import csv_download
from intranet.errors import keep_posted_text
from intranet.extensions import commit_keeping_loaded, db
from intranet.htmx import is_htmx, render
from intranet.org.models import Network
from intranet.urls import db_int, network_or_404

NETWORK_PREFIX = "/natverk/<slug>/handlingsplan"
# What an action list shows: its rows, the programme's sub-goals, the networks and
# municipalities named in them and in the filter's menus.
LIST_SCOPES = ("actions", "programme", "org")
CELL = "<any(" + ", ".join(CELLS) + "):cell>"

# What was typed in a row is shown back for copying if the login ended before the save.
_ROW_TEXT = {"activity": _l("Aktivitet"), "responsible": _l("Ansvarig"), "cost": _l("Kostnad"),
             "time_text": _l("Tid"), "comment": _l("Kommentar")}
keep_posted_text("actions.new", _ROW_TEXT)
keep_posted_text("actions.edit", _ROW_TEXT)


def _network(slug: str) -> Network:
    return network_or_404(slug)


def _item(network: Network, item_id: int, deleted: bool = False):
    item = services.get_item(network, item_id, deleted=deleted)
    if item is None:
        abort(404)
    return item


def _row(slug: str, item_id: int, action: str, deleted: bool = False):
    """A row's URL: its network and the row in one statement. 404 when either is not found,
    403 (the network known) when the person may not."""
    network, item = services.network_and_item(slug, item_id, deleted=deleted)
    if network is None:
        abort(404)
    authorize(current_user, action, network)
    if item is None:
        abort(404)
    return network, item


def _me():
    return current_user._get_current_object()


def _list_url(network: Network, item=None, **args) -> str:
    anchor = f"rad-{item.id}" if item is not None else None
    return url_for("actions.network_list", slug=network.slug, _anchor=anchor, **args)


# ---------------------------------------------------------------- a network's list


def _list_context(network: Network, view: ActionFilter) -> dict:
    areas = services.focus_areas()  # first: the rows' sub-goals are then in the session
    return {
        "network": network,
        "view": view,
        "items": services.list_items(view, network, programme_loaded=True),
        "focus_areas": areas,
        **dict(zip(("networks", "municipalities"), services.filter_choices(), strict=True)),
        "can_edit": may(current_user, "edit_actions", network),
        "can_restore": may(current_user, "restore_actions", network),
        "today": clock.today(),
        "status_labels": services.STATUS_LABELS,
    }


@bp.get(f"{NETWORK_PREFIX}/")
def network_list(slug: str):
    """The network's action list, filtered and sorted from the URL. The list is the same for
    everyone who may (or may not) edit it: a cached fragment until the rows change."""
    cache.versions()  # before the network the fragment shows
    network = _network(slug)
    authorize(current_user, "view_actions", network)
    view = ActionFilter.from_args(request.args)
    can_edit = may(current_user, "edit_actions", network)
    can_restore = may(current_user, "restore_actions", network)

    def context() -> dict:
        loaded = _list_context(network, view)
        if can_restore:
            loaded["deleted_count"] = services.count_deleted(network)
        loaded["co_responsible"] = services.count_co_responsible(network)
        return loaded

    htmx = is_htmx()
    cached = cache.blocks("actions/list.html", ("results",) if htmx else ("network_content",),
                          (network.id, view, can_edit, can_restore, htmx), LIST_SCOPES, context)
    return render("actions/list.html", block="results", network=network, can_edit=can_edit,
                  cached=cached)


@bp.route(f"{NETWORK_PREFIX}/ny", methods=["GET", "POST"])
def new(slug: str):
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    form = ActionItemForm()
    form.set_choices(services.focus_areas(), services.active_networks(),
                     services.municipalities())
    if request.method == "GET":
        form.status.data = "planerad"
    if form.validate_on_submit():
        item = services.create_item(network, _me(), form.data_for_item())
        db.session.commit()
        flash(_("Raden lades till."), "success")
        return redirect(_list_url(network, item), 303)
    status = 422 if request.method == "POST" else 200
    return render("actions/form.html", network=network, form=form, item=None, conflict=None,
                  status=status, status_labels=services.STATUS_LABELS)


@bp.route(f"{NETWORK_PREFIX}/<int:item_id>/", methods=["GET", "POST"])
def edit(slug: str, item_id: int):
    """The whole row as a form: how a row is edited without JavaScript."""
    network, item = _row(slug, item_id, "edit_actions")
    form = ActionItemForm(obj=item if request.method == "GET" else None)
    form.set_choices(services.focus_areas(), services.active_networks(),
                     services.municipalities())
    if request.method == "GET":
        form.network_ids.data = [n.id for n in item.networks]
        form.municipality_ids.data = [m.id for m in item.municipalities]
    conflict = None
    if form.validate_on_submit():
        data = form.data_for_item()
        try:
            services.update_item(item, _me(), form.version.data, data)
        except EditConflict:
            db.session.rollback()
            item = _item(network, item_id)
            conflict = services.differs(item, data)
            _restart_from(form.version, item.version)
        else:
            db.session.commit()
            flash(_("Raden sparades."), "success")
            return redirect(_list_url(network, item), 303)
    status = 409 if conflict is not None else 422 if request.method == "POST" else 200
    return render("actions/form.html", network=network, form=form, item=item,
                  conflict=conflict, status=status,
                  status_labels=services.STATUS_LABELS)


def _restart_from(version_field, version: int) -> None:
    """After a conflict the form carries the current version: saving again is deliberate."""
    version_field.data = version
    version_field.raw_data = [str(version)]


# ---------------------------------------------------------------- cells edited in place


def _cell_context(network, item, cell: str, **extra) -> dict:
    return {
        "network": network,
        "item": item,
        "cell": cell,
        "attr": CELLS[cell][0],
        "can_edit": may(current_user, "edit_actions", network),
        "today": clock.today(),
        "status_labels": services.STATUS_LABELS,
        **extra,
    }


@bp.get(f"{NETWORK_PREFIX}/<int:item_id>/{CELL}")
def cell(slug: str, item_id: int, cell: str):
    """A cell as it is shown (htmx: what "cancel" swaps back); a page has no single cell."""
    network, item = _row(slug, item_id, "view_actions")
    if not is_htmx():
        return redirect(_list_url(network, item))
    return render("actions/cell.html", block="display",
                  **_cell_context(network, item, cell, focus=True))


@bp.route(f"{NETWORK_PREFIX}/<int:item_id>/{CELL}/andra", methods=["GET", "POST"])
def cell_edit(slug: str, item_id: int, cell: str):
    """One cell's editor (htmx swaps it into the cell; without JavaScript it is a small page)
    and its save: the version the person started from comes back with the value."""
    network, item = _row(slug, item_id, "edit_actions")
    attr = CELLS[cell][0]
    form = CELL_FORMS[cell]()
    if request.method == "GET":
        form.value.data = getattr(item, attr)
        form.version.data = item.version
    conflict = False
    if form.validate_on_submit():
        data = {attr: form.value.data if form.value.data is not None else
                ("" if attr != "due_date" else None)}
        try:
            services.update_item(item, _me(), form.version.data, data)
        except EditConflict:
            db.session.rollback()
            item = _item(network, item_id)
            conflict = True
            _restart_from(form.version, item.version)
        else:
            if not is_htmx():
                db.session.commit()
                flash(_("Ändringen sparades."), "success")
                return redirect(_list_url(network, item), 303)
            # The saved cell from the row as written, made after the commit (so other saves
            # need not wait while it is rendered); a commit that fails raises, and the cell
            # is never sent.
            commit_keeping_loaded()
            return render("actions/cell.html", block="display",
                          **_cell_context(network, item, cell, focus=True, saved=True))
    status = 409 if conflict else 422 if request.method == "POST" else 200
    return render("actions/cell.html", block="editor", status=status,
                  **_cell_context(network, item, cell, form=form, conflict=conflict))


# ---------------------------------------------------------------- order, delete, restore


@bp.post(f"{NETWORK_PREFIX}/<int:item_id>/flytta")
def move(slug: str, item_id: int):
    network, item = _row(slug, item_id, "edit_actions")
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("upp", "ner"):
        abort(400)
    direction = -1 if form.direction.data == "upp" else 1
    moved = services.move_item(item, direction, _me())
    db.session.commit()
    item = _item(network, item_id)
    if is_htmx():
        context = _list_context(network, ActionFilter())
        context["focus_move"] = (item.id, form.direction.data)
        context["moved"] = item if moved else None
        return render("actions/list.html", block="results", **context)
    if moved:
        flash(_("Raden flyttades till plats %(n)s.", n=item.position), "success")
    return redirect(_list_url(network, item), 303)


@bp.post(f"{NETWORK_PREFIX}/<int:item_id>/ta-bort")
def delete(slug: str, item_id: int):
    network, item = _row(slug, item_id, "edit_actions")
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.delete_item(item, _me())
    db.session.commit()
    flash(_("Raden togs bort. Nätverkets sammankallande och kansliet kan återställa den."),
          "success")
    return redirect(_list_url(network), 303)


@bp.get(f"{NETWORK_PREFIX}/borttagna")
def trash(slug: str):
    network = _network(slug)
    authorize(current_user, "restore_actions", network)
    return render("actions/trash.html", network=network, items=services.deleted_items(network))


@bp.post(f"{NETWORK_PREFIX}/borttagna/<int:item_id>/aterstall")
def restore(slug: str, item_id: int):
    network, item = _row(slug, item_id, "restore_actions", deleted=True)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.restore_item(item, _me())
    db.session.commit()
    flash(_("Raden återställdes och ligger sist i listan."), "success")
    return redirect(_list_url(network, item), 303)


# ---------------------------------------------------------------- import


@bp.route(f"{NETWORK_PREFIX}/importera", methods=["GET", "POST"])
def import_upload(slug: str):
    """Upload a file; a valid one waits for confirmation, one with errors shows them all."""
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    form = ImportForm()
    plan = None
    if form.validate_on_submit():
        upload = form.file.data
        # One byte past the limit is enough to tell the person the file is too large.
        plan = services.parse_upload(upload.filename or "", upload.read(MAX_FILE_BYTES + 1))
        if plan.ok:
            pending = services.start_import(network, _me(), plan)
            db.session.commit()
            return redirect(url_for("actions.import_preview", slug=network.slug,
                                    token=pending.token), 303)
    status = 422 if request.method == "POST" else 200
    return render("actions/import.html", network=network, form=form, plan=plan, status=status)


def _pending(network: Network, token: str):
    pending = services.pending_import(network, _me(), token)
    if pending is None:
        abort(404)
    return pending


@bp.get(f"{NETWORK_PREFIX}/importera/<token>")
def import_preview(slug: str, token: str):
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    pending = _pending(network, token)
    return render("actions/import_preview.html", network=network, pending=pending,
                  rows=services.preview_rows(pending),
                  columns=[ColumnMapping(c["header"], c["field"]) for c in pending.columns],
                  status_labels=services.STATUS_LABELS)


@bp.post(f"{NETWORK_PREFIX}/importera/<token>/bekrafta")
def import_confirm(slug: str, token: str):
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    pending = _pending(network, token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        items = services.confirm_import(pending, _me())
    except ImportUnavailable:
        db.session.rollback()
        flash(_("Importen kunde inte genomföras eftersom utvecklingsprogrammet har ändrats. "
                "Ladda upp filen igen."), "error")
        return redirect(url_for("actions.import_upload", slug=network.slug), 303)
    db.session.commit()
    flash(ngettext("%(num)s rad importerades.", "%(num)s rader importerades.", len(items)),
          "success")
    return redirect(_list_url(network), 303)


@bp.post(f"{NETWORK_PREFIX}/importera/<token>/avbryt")
def import_cancel(slug: str, token: str):
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    pending = _pending(network, token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.discard_import(pending)
    db.session.commit()
    flash(_("Importen avbröts. Inget importerades."), "info")
    return redirect(_list_url(network), 303)


# ---------------------------------------------------------------- export


def _download(rows, fmt: str, name: str, include_network: bool):
    lines = export.table(rows, include_network=include_network)
    if fmt == "csv":
        return csv_download(lines, f"{name}.csv")
    response = make_response(export.to_xlsx(lines))
    response.headers["Content-Type"] = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@bp.get(f"{NETWORK_PREFIX}/export.<any(csv, xlsx):fmt>")
def export_network(slug: str, fmt: str):
    """The view as shown (the same filter and order) as CSV or Excel."""
    network = _network(slug)
    authorize(current_user, "view_actions", network)
    rows = services.export_rows(ActionFilter.from_args(request.args), network)
    return _download(rows, fmt, f"handlingsplan-{network.slug}-{clock.today().isoformat()}",
                     include_network=False)


# ---------------------------------------------------------------- the combined plan


@bp.get("/handlingsplan/")
def plan():
    """Every network's rows, grouped by focus area and sub-goal: the same for everyone who
    may see it, a cached fragment until the rows change."""
    authorize(current_user, "view_action_plan")
    view = ActionFilter.from_args(request.args)
    page = request.args.get("sida", 1, type=db_int)

    def context() -> dict:
        areas = services.focus_areas()
        networks, places = services.filter_choices()
        # A page of rows: the plan of a national association has tens of thousands. The
        # rows' sub-goals are among those just loaded.
        pagination = services.plan_page(view, page, current_app.config["ACTIONS_PER_PAGE"],
                                        programme_loaded=True)
        items = pagination.items
        return dict(
            view=view, items=items, pagination=pagination,
            groups=services.group_by_programme(
                items, areas, include_empty=not view.narrowed and pagination.pages == 1),
            focus_areas=areas, networks=networks, municipalities=places,
            today=clock.today(), status_labels=services.STATUS_LABELS)

    htmx = is_htmx()
    cached = cache.blocks("actions/plan.html", ("results",) if htmx else ("content",),
                          (view, page, may(current_user, "view_action_summary"), htmx),
                          LIST_SCOPES, context)
    return render("actions/plan.html", block="results", cached=cached)


@bp.get("/handlingsplan/export.<any(csv, xlsx):fmt>")
def export_plan(fmt: str):
    authorize(current_user, "view_action_plan")
    # The file follows the page: grouped in programme order, the chosen order within.
    rows = services.export_rows(ActionFilter.from_args(request.args), by_programme=True)
    return _download(rows, fmt, f"handlingsplan-{clock.today().isoformat()}",
                     include_network=True)


@bp.get("/handlingsplan/uppfoljning")
def summary():
    """The follow-up: rows by status and overdue, per focus area and per network. The same
    for everyone who may see it (overdue as of today): a cached fragment until rows change."""
    authorize(current_user, "view_action_summary")
    page = request.args.get("sida", 1, type=db_int)

    def context() -> dict:
        result = services.follow_up(page=page,
                                    per_page=current_app.config["FOLLOW_UP_PER_PAGE"])
        return dict(result=result, area_chart=services.bar_chart(result.by_focus_area),
                    network_chart=services.bar_chart(result.by_network),
                    status_labels=services.STATUS_LABELS)

    cached = cache.blocks("actions/summary.html", ("content",), (page,), LIST_SCOPES, context)
    return render("actions/summary.html", cached=cached)
