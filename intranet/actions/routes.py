"""The action list: a network's rows, edited in place or as a form, the combined plan of all
networks, import and export, and the follow-up for the committee and the management group."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape

from intranet import cache, clock
from intranet.actions import bp, export, imports, services
from intranet.actions.forms import (
    CELL_FORMS,
    CELLS,
    ActionItemForm,
    ButtonForm,
    ImportConfirmForm,
    ImportForm,
    MoveForm,
    PlanImportForm,
    RestoreImportForm,
    UndoImportForm,
)
from intranet.actions.importer import (
    MAX_FILE_BYTES,
    ColumnMapping,
    ParsedPlan,
    unused_columns,
)
from intranet.actions.services import ActionFilter
from intranet.authz import authorize, may
from intranet.counts import count
from intranet.csvfile import csv_download
from intranet.editing.values import THEIRS
from intranet.editing.views import attempt
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


def _row_to_save(slug: str, item_id: int):
    """The row a form edits: (network, row, gone). A save posted to a row that was deleted
    while the person wrote is answered with their text kept and what happened (`gone`
    True), not with a page that is not found; opening a deleted row's form is still 404."""
    network, item = services.network_and_item(slug, item_id)
    if network is None:
        abort(404)
    authorize(current_user, "edit_actions", network)
    if item is None and request.method == "POST":
        deleted = services.get_item(network, item_id, deleted=True)
        if deleted is not None:
            return network, deleted, True
    if item is None:
        abort(404)
    return network, item, False


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
                  cached=cached, import_notice=None if htmx else _import_notice(network))


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
    network, item, gone = _row_to_save(slug, item_id)
    form = ActionItemForm(obj=item if request.method == "GET" else None)
    form.set_choices(services.focus_areas(), services.active_networks(),
                     services.municipalities())
    if gone:
        form.validate()
        return render("actions/form.html", network=network, form=form, item=item, gone=True,
                      conflict=None, status=409, field_labels=services.FIELD_LABELS,
                      status_labels=services.STATUS_LABELS)
    if request.method == "GET":
        form.network_ids.data = [n.id for n in item.networks]
        form.municipality_ids.data = [m.id for m in item.municipalities]
        form.started_from.data = services.starting_values(item)
    conflict = None
    if form.validate_on_submit():
        data = form.data_for_item()
        changes = services.differs(item, data)
        merged = form.version.data != item.version  # saved meanwhile, other fields
        outcome = attempt(lambda: services.update_item(item, _me(), form.version.data, data,
                                                       form.started_from.data),
                          mine=services.shown(data, changes),
                          reload=lambda: _as_saved(network, item_id, changes))
        if outcome.saved:
            flash(_("Raden sparades. Någon annan hade ändrat andra fält i raden medan du "
                    "skrev: både dina och deras ändringar finns kvar.") if merged
                  else _("Raden sparades."), "success")
            return redirect(_list_url(network, item), 303)
        item = _item(network, item_id)
        conflict = _restart(form, item, data, {name: form[name] for name in data})
    status = 409 if conflict is not None else 422 if request.method == "POST" else 200
    return render("actions/form.html", network=network, form=form, item=item,
                  conflict=conflict, status=status, field_labels=services.FIELD_LABELS,
                  status_labels=services.STATUS_LABELS)


def _restart(form, item, data: dict, fields: dict) -> list:
    """After a conflict: the form starts again from the row as saved now (its version and
    values), takes over what only the other person changed, and keeps the rest of what the
    person wrote. The changes to show, each with the value both started from where known."""
    conflict = services.value_conflicts(item, form.started_from.data, data)
    for change in conflict:
        if change.kind == THEIRS:
            field = fields[change.name]
            field.data = services.current_value(item, change.name)
            field.raw_data = None  # shown from data, not from what was posted
    form.started_from.data = services.starting_values(item, list(fields))
    _restart_from(form.version, item.version)
    return conflict


def _as_saved(network, item_id: int, names: list[str]) -> tuple[int, str]:
    """The row's version and the values of `names` as saved now (after another save won)."""
    item = _item(network, item_id)
    return item.version, services.saved_values(item, names)


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
    return render("actions/cell_display.html", **_cell_context(network, item, cell, focus=True))


@bp.route(f"{NETWORK_PREFIX}/<int:item_id>/{CELL}/andra", methods=["GET", "POST"])
def cell_edit(slug: str, item_id: int, cell: str):
    """One cell's editor (htmx swaps it into the cell; without JavaScript it is a small page)
    and its save: the version the person started from comes back with the value."""
    network, item, gone = _row_to_save(slug, item_id)
    attr = CELLS[cell][0]
    form = CELL_FORMS[cell]()
    if gone:
        form.validate()
        return render("actions/cell.html", block="editor", status=409,
                      **_cell_context(network, item, cell, form=form, gone=True))
    if request.method == "GET":
        form.value.data = getattr(item, attr)
        form.version.data = item.version
        form.started_from.data = services.starting_values(item, [attr])
    conflict = None
    if form.validate_on_submit():
        data = {attr: form.value.data if form.value.data is not None else
                ("" if attr != "due_date" else None)}
        # htmx: the saved cell is made from the row as written after the commit (so other
        # saves need not wait while it is rendered); a commit that fails raises, and the
        # cell is never sent.
        outcome = attempt(lambda: services.update_item(item, _me(), form.version.data, data,
                                                       form.started_from.data),
                          mine=services.shown(data, [attr]),
                          reload=lambda: _as_saved(network, item_id, [attr]),
                          commit=commit_keeping_loaded if is_htmx() else None)
        if outcome.saved and not is_htmx():
            flash(_("Ändringen sparades."), "success")
            return redirect(_list_url(network, item), 303)
        if outcome.saved:
            return render("actions/cell_display.html",
                          **_cell_context(network, item, cell, focus=True, saved=True))
        item = _item(network, item_id)
        conflict = _restart(form, item, data, {attr: form.value})
    status = 409 if conflict is not None else 422 if request.method == "POST" else 200
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
    return render("actions/trash.html", network=network, items=services.deleted_items(network),
                  undone=imports.undone_batches(network))


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
# A network's import and the secretariat's import of the combined plan share the steps:
# upload (a file with errors shows them all), preview (rows already in the plan left out
# unless ticked in), confirm (one batch), and undo the batch from the list of imports.


def _read_upload(form) -> ParsedPlan:
    upload = form.file.data
    # One byte past the limit is enough to tell the person the file is too large.
    return imports.parse_upload(upload.filename or "", upload.read(MAX_FILE_BYTES + 1))


def _preview_page(template: str, pending, chosen: set[int] | None = None, error=None,
                  status: int = 200, **context):
    """The waiting import's preview; after a refused confirmation, with the rows the person
    had ticked and what was wrong."""
    result = imports.preview(pending)
    columns = [ColumnMapping(c["header"], c["field"]) for c in pending.columns]
    return render(template, pending=pending, preview=result,
                  chosen=result.default_lines if chosen is None else chosen,
                  columns=columns, unused=unused_columns(columns), notes=pending.notes or [],
                  error=error, status=status, status_labels=services.STATUS_LABELS, **context)


def _confirm(pending, template: str, upload_url: str, done_url, **context):
    """Write the ticked rows of a waiting import; `done_url(batch)` is where to go next."""
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _preview_page(template, pending, error=_(
            "Raderna att importera kunde inte läsas. Markera dem igen och bekräfta."),
            status=422, **context)
    chosen = set(form.rows.data or [])
    try:
        batch = imports.confirm_import(pending, _me(), chosen)
    except imports.NothingChosen:
        db.session.rollback()
        return _preview_page(template, pending, chosen=chosen, error=_(
            "Ingen rad är markerad. Markera de rader som ska importeras, eller avbryt "
            "importen."), status=422, **context)
    except imports.ImportUnavailable:
        db.session.rollback()
        flash(_("Importen kunde inte genomföras eftersom utvecklingsprogrammet eller "
                "nätverken har ändrats. Ladda upp filen igen."), "error")
        return redirect(upload_url, 303)
    db.session.commit()
    if batch.network_id is None:
        flash(_per_network(_("%(rows)s importerades till %(network)s."),
                           _("%(rows)s importerades: %(split)s."), _("%(num)s till %(network)s"),
                           batch.row_count, imports.rows_per_network(batch)), "success")
    else:
        flash(ngettext("%(num)s rad importerades.", "%(num)s rader importerades.",
                       batch.row_count), "success")
    return redirect(done_url(batch), 303)


def _per_network(one: str, several: str, part: str, total: int, counts) -> str:
    """A sentence of rows in networks: `one` (rows, network) when they are all in one
    network, else `several` (rows, split) with each network's `part` (num, network) in the
    networks' name order: "4 rader importerades: 2 till …, 2 till …"."""
    rows = count(total, "row")
    if len(counts) == 1:
        return one % {"rows": rows, "network": counts[0][0].name}
    split = ", ".join(part % {"num": n, "network": network.name} for network, n in counts)
    return several % {"rows": rows, "split": split}


def _cancel(pending, done_url: str):
    if not ButtonForm().validate_on_submit():
        abort(400)
    imports.discard_import(pending)
    db.session.commit()
    flash(_("Importen avbröts. Inget importerades."), "info")
    return redirect(done_url, 303)


@bp.route(f"{NETWORK_PREFIX}/importera", methods=["GET", "POST"])
def import_upload(slug: str):
    """Upload a file; a valid one waits for confirmation, one with errors shows them all."""
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    form = ImportForm()
    plan = None
    if form.validate_on_submit():
        plan = _read_upload(form)
        if plan.ok:
            pending = imports.start_import(network, _me(), plan)
            db.session.commit()
            return redirect(url_for("actions.import_preview", slug=network.slug,
                                    token=pending.token), 303)
    status = 422 if request.method == "POST" else 200
    return render("actions/import.html", network=network, form=form, plan=plan, status=status)


def _pending(network: Network | None, token: str):
    pending = imports.pending_import(network, _me(), token)
    if pending is None:
        abort(404)
    return pending


@bp.get(f"{NETWORK_PREFIX}/importera/<token>")
def import_preview(slug: str, token: str):
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    return _preview_page("actions/import_preview.html", _pending(network, token),
                         network=network)


@bp.post(f"{NETWORK_PREFIX}/importera/<token>/bekrafta")
def import_confirm(slug: str, token: str):
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    return _confirm(_pending(network, token), "actions/import_preview.html",
                    url_for("actions.import_upload", slug=network.slug),
                    lambda batch: _list_url(network, **{"import": batch.id}), network=network)


@bp.post(f"{NETWORK_PREFIX}/importera/<token>/avbryt")
def import_cancel(slug: str, token: str):
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    return _cancel(_pending(network, token), _list_url(network))


@bp.route("/handlingsplan/importera", methods=["GET", "POST"])
def plan_import_upload():
    """The combined plan (one file for all networks), by the secretariat: each row goes to
    the network its "Ansvarig" names, the others to the network chosen in the form."""
    authorize(current_user, "import_action_plan")
    networks = services.active_networks()
    form = PlanImportForm()
    form.set_choices(networks)
    plan = None
    if form.validate_on_submit():
        default = next(n for n in networks if n.id == form.default_network_id.data)
        plan = _read_upload(form)
        if plan.ok:
            pending = imports.start_import(None, _me(), plan, default_network=default)
            db.session.commit()
            return redirect(url_for("actions.plan_import_preview", token=pending.token), 303)
    status = 422 if request.method == "POST" else 200
    return render("actions/plan_import.html", form=form, plan=plan, status=status)


@bp.get("/handlingsplan/importera/<token>")
def plan_import_preview(token: str):
    authorize(current_user, "import_action_plan")
    return _preview_page("actions/plan_import_preview.html", _pending(None, token))


@bp.post("/handlingsplan/importera/<token>/bekrafta")
def plan_import_confirm(token: str):
    authorize(current_user, "import_action_plan")
    return _confirm(_pending(None, token), "actions/plan_import_preview.html",
                    url_for("actions.plan_import_upload"),
                    lambda batch: url_for("actions.plan", **{"import": batch.id}))


@bp.post("/handlingsplan/importera/<token>/avbryt")
def plan_import_cancel(token: str):
    authorize(current_user, "import_action_plan")
    return _cancel(_pending(None, token), url_for("actions.plan"))


# ---------------------------------------------------------------- imports and undoing them


def _import_notice(network: Network | None):
    """The batch named by `?import=` (where a confirmed import leads), if it brought rows
    here, is not undone and the person may undo it: the page offers the undo."""
    batch_id = request.args.get("import", type=db_int)
    batch = imports.get_batch(batch_id) if batch_id else None
    if batch is None or batch.undone_at is not None:
        return None
    if network is not None and not imports.batch_in_network(batch, network):
        return None
    if network is None and batch.network_id is not None:
        return None
    return batch if may(current_user, "undo_action_import", batch) else None


@bp.get(f"{NETWORK_PREFIX}/importer")
def network_imports(slug: str):
    """The network's imports: when, who, which file, how many rows, undone or not."""
    network = _network(slug)
    authorize(current_user, "edit_actions", network)
    page = request.args.get("sida", 1, type=db_int)
    return render("actions/imports.html", network=network,
                  batches=imports.network_batches(network, page),
                  can_restore=may(current_user, "restore_actions", network))


@bp.get("/handlingsplan/importer")
def plan_imports():
    """Every import, of the combined plan and of each network (the secretariat's view)."""
    authorize(current_user, "import_action_plan")
    page = request.args.get("sida", 1, type=db_int)
    return render("actions/plan_imports.html", batches=imports.all_batches(page))


def _undo(batch, network: Network | None, back_urls: dict):
    """Undo a batch (POST). When rows were edited since the import, the person is asked
    first, with those rows named; undoing twice says it is done already."""
    form = UndoImportForm()
    if not form.validate_on_submit():
        abort(400)
    back = back_urls.get(form.back.data) or back_urls["imports"]
    try:
        check = imports.undo_import(batch, _me(), form.seen_ids())
    except imports.AlreadyUndone:
        db.session.rollback()
        flash(_("Importen är redan ångrad."), "info")
        return redirect(back, 303)
    except imports.ChangedSinceImport as asked:
        db.session.rollback()
        return render("actions/undo_import.html", check=asked.check, network=network,
                      back=form.back.data if form.back.data in back_urls else "imports",
                      cancel_url=back)
    db.session.commit()
    removed = len(check.live)
    if removed == 0:
        flash(_("Importen ångrades. Dess rader var redan borttagna."), "success")
    elif network is not None and may(current_user, "restore_actions", network):
        flash(escape(ngettext(
            "Importen ångrades: %(num)s rad togs bort. Den finns bland borttagna rader och kan "
            "återställas där.",
            "Importen ångrades: %(num)s rader togs bort. De finns bland borttagna rader och kan "
            "återställas där.", removed)) + " " + _trash_link(network, _("Visa borttagna rader")),
            "success")
    elif network is not None:
        flash(ngettext("Importen ångrades: %(num)s rad togs bort. Nätverkets sammankallande "
                       "och kansliet kan återställa den.",
                       "Importen ångrades: %(num)s rader togs bort. Nätverkets sammankallande "
                       "och kansliet kan återställa dem.", removed) + " "
              + _("Hela importen kan också återställas i ett steg under Tidigare importer."),
              "success")
    else:
        # The rows are in several networks: each network's removed rows, linked.
        links = Markup(", ").join(_trash_link(n, n.name) for n, _count in check.removed_in
                                  if may(current_user, "restore_actions", n))
        message = escape(ngettext(
            "Importen ångrades: %(num)s rad togs bort. Den finns bland sitt nätverks borttagna "
            "rader och kan återställas där.",
            "Importen ångrades: %(num)s rader togs bort. De finns bland varje nätverks "
            "borttagna rader och kan återställas där.", removed))
        if links:
            message += " " + escape(_("Borttagna rader i %(networks)s.")) % {"networks": links}
        flash(message, "success")
    return redirect(back, 303)


def _trash_link(network: Network, text: str) -> Markup:
    return Markup('<a href="{url}">{text}</a>').format(
        url=url_for("actions.trash", slug=network.slug), text=text)


def _batch_or_404(batch_id: int):
    batch = imports.get_batch(batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.post(f"{NETWORK_PREFIX}/importer/<int:batch_id>/angra")
def import_undo(slug: str, batch_id: int):
    network = _network(slug)
    batch = _batch_or_404(batch_id)
    if batch.network_id != network.id:
        abort(404)  # another network's import, or the combined plan's (undone there)
    authorize(current_user, "undo_action_import", batch)
    return _undo(batch, network, {
        "imports": url_for("actions.network_imports", slug=network.slug),
        "list": _list_url(network)})


@bp.post("/handlingsplan/importer/<int:batch_id>/angra")
def plan_import_undo(batch_id: int):
    # The combined plan's list of imports is the secretariat's: a network's people undo
    # their imports from the network's own list.
    authorize(current_user, "import_action_plan")
    batch = _batch_or_404(batch_id)
    authorize(current_user, "undo_action_import", batch)
    return _undo(batch, None, {"imports": url_for("actions.plan_imports"),
                               "list": url_for("actions.plan")})


def _restore_batch(batch, back_urls: dict):
    """Take a batch's undo back (POST): the rows it removed come back in one step."""
    form = RestoreImportForm()
    if not form.validate_on_submit():
        abort(400)
    back = back_urls.get(form.back.data) or back_urls["imports"]
    try:
        counts = imports.restore_batch(batch, _me())
    except imports.NotUndone:
        db.session.rollback()
        flash(_("Importen är inte ångrad: dess rader finns redan i handlingsplanen."), "info")
        return redirect(back, 303)
    db.session.commit()
    restored = sum(n for _, n in counts)
    if restored == 0:
        flash(_("Importen är inte längre ångrad. Dess rader var redan återställda."), "success")
    else:
        flash(_per_network(
            _("Importen återställdes: %(rows)s är tillbaka i %(network)s, sist i listan."),
            _("Importen återställdes: %(rows)s är tillbaka, sist i varje nätverks lista: "
              "%(split)s."), _("%(num)s i %(network)s"), restored, counts), "success")
    return redirect(back, 303)


@bp.post(f"{NETWORK_PREFIX}/importer/<int:batch_id>/aterstall")
def import_restore(slug: str, batch_id: int):
    """From the network's removed rows or its imports: the network's own import, or one of
    the combined plan's with rows here (which the secretariat restores in every network)."""
    network = _network(slug)
    batch = _batch_or_404(batch_id)
    if not imports.batch_in_network(batch, network):
        abort(404)
    authorize(current_user, "restore_action_import", batch)
    return _restore_batch(batch, {
        "imports": url_for("actions.network_imports", slug=network.slug),
        "trash": url_for("actions.trash", slug=network.slug)})


@bp.post("/handlingsplan/importer/<int:batch_id>/aterstall")
def plan_import_restore(batch_id: int):
    authorize(current_user, "import_action_plan")
    batch = _batch_or_404(batch_id)
    authorize(current_user, "restore_action_import", batch)
    return _restore_batch(batch, {"imports": url_for("actions.plan_imports")})


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
                          (view, page, may(current_user, "view_action_summary"),
                           may(current_user, "import_action_plan"), htmx),
                          LIST_SCOPES, context)
    return render("actions/plan.html", block="results", cached=cached,
                  import_notice=None if htmx else _import_notice(None))


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
