"""A network's consultation responses: the list, a new response, its page with sections and
comments, editing one section at a time, history, named versions and comparisons."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intranet import cache, clock
from intranet.authz import authorize, authorize_visible, may
from intranet.consultations import bp, export, review
from intranet.consultations import services as svc
from intranet.consultations.forms import (
    ButtonForm,
    CommentForm,
    DetailsForm,
    ExtensionForm,
    ManagementDecisionForm,
    MoveForm,
    MoveResponseForm,
    NewResponseForm,
    NewSectionForm,
    OnBehalfPositionForm,
    PositionForm,
    SectionForm,
    SentForm,
    SnapshotForm,
    TriageForm,
    committee_decision_form,
)
from intranet.consultations.letter import build_docx, filename
from intranet.consultations.models import ResponseStatus, SectionRevision
from intranet.documents.markdown import render_markdown
from intranet.documents.sniff import DOCX as DOCX_TYPE
from intranet.editing import latest_number
from intranet.editing.views import keeps_text, save_text
from intranet.extensions import db
from intranet.forms_flow import RuleError, form_status, put_error, submit
from intranet.htmx import is_htmx, render
from intranet.meetings import services as meetings
from intranet.org.models import Municipality, Network
from intranet.text import genitive
from intranet.urls import db_int, network_or_404

STATUS_LABELS = {
    ResponseStatus.TRIAGE: _l("Ej beslutat hur kommunerna svarar"),
    ResponseStatus.DRAFT: _l("Gemensamt svar, utkast"),
    ResponseStatus.INDIVIDUAL: _l("Kommunerna svarar var för sig"),
    ResponseStatus.NOT_ANSWERING: _l("Inget svar"),
    ResponseStatus.MANAGEMENT_REVIEW: _l("Hos ledningsgruppen"),
    ResponseStatus.COMMITTEE_REVIEW: _l("Hos samarbetskommittén"),
    ResponseStatus.RETURNED: _l("Återremitterat till nätverket"),
    ResponseStatus.ADOPTED: _l("Antaget, ska skickas"),
    ResponseStatus.SENT: _l("Skickat"),
}


@bp.app_template_filter("response_status")
def response_status(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


@bp.app_template_filter("review_step")
def review_step(kind: str) -> str:
    label = review.STEP_NAMES.get(kind)
    return str(label) if label is not None else kind


# ---------------------------------------------------------------- loading


def _network(slug: str) -> Network:
    return network_or_404(slug)


def _response(slug: str, response_id: int, action: str = "view_response"):
    """Load, then check: a response the person may not view is absent (404), whatever its
    network; one they may view but not change is refused (403)."""
    network, response = svc.by_url(slug, response_id)
    if network is None:
        abort(404)
    if response is None:
        _follow_move(network, response_id)
    return network, authorize_visible(current_user, "view_response", response, action)


def _follow_move(network: Network, response_id: int) -> None:
    """An old URL of a response the secretariat moved to another network: the same page (or
    the same post, kept whole with 307) at its new network, for a person who may see it
    there. Anything else goes on to 404."""
    moved = svc.moved_away(network, response_id)
    if moved is not None and may(current_user, "view_response", moved):
        args = {**request.args.to_dict(), **(request.view_args or {}),
                "slug": moved.network.slug}
        abort(redirect(url_for(request.endpoint, **args), 307))


def _response_section(slug: str, response_id: int, section_id: int, action: str,
                      include_removed: bool = False):
    """As `_response`, with one of its sections (404 when it is not the response's), all
    three in one statement."""
    network, response, section = svc.by_url(slug, response_id, section_id,
                                            include_removed=include_removed)
    if network is None:
        abort(404)
    if response is None:
        _follow_move(network, response_id)
    authorize_visible(current_user, "view_response", response, action)
    if section is None:
        abort(404)
    return network, response, section


def _id(value) -> int | None:
    try:
        return db_int(value)
    except (TypeError, ValueError):
        return None


def _version_number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _details(form) -> svc.Details:
    return svc.Details(
        title=form.title.data or "", referring_body=form.referring_body.data or "",
        reference_number=form.reference_number.data or "", received_on=form.received_on.data,
        deadline=form.deadline.data, contact_person_id=form.contact_person_id.data,
        referral_links=form.referral_links.data or "",
        document_ids=tuple(form.document_ids.data or ()),
        case_numbers={m.id: request.form.get(f"case_{m.id}", "") for m in svc.municipalities()},
    )


def _parts(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


# ---------------------------------------------------------------- the list


@bp.get("/")
def index(slug: str):
    network = _network(slug)
    authorize(current_user, "view_network", network)
    readable = may(current_user, "list_responses", network)
    status = request.args.get("status", "")
    if status not in {s.value for s in ResponseStatus}:
        status = ""
    responses = svc.list_responses(network, status) if readable else []
    return render(
        "consultations/index.html", network=network, readable=readable,
        groups=svc.group_by_status(responses), chosen=status, statuses=list(ResponseStatus),
        open_counts=svc.open_comment_counts([r.id for r in responses]), today=clock.today(),
    )


@bp.route("/nytt", methods=["GET", "POST"])
def new(slug: str):
    network = _network(slug)
    authorize(current_user, "add_responses", network)
    people = svc.network_people(network)
    form = NewResponseForm(people=people, documents=svc.network_documents(network))
    if request.method == "GET" and current_user in people:
        form.contact_person_id.data = current_user.id
    done, duplicates = submit_registration(
        form, lambda: network, lambda: _details(form), answer=form.answer.data,
        reason=form.reason.data or "", report_parts=_parts(form.report_parts.data))
    if done:
        flash(registered_message(done.result, _("Remissvaret är skapat.")), "success")
        return redirect(url_for(".show", slug=slug, response_id=done.result.response.id), 303)
    return render("consultations/form.html", status=form_status(), network=network, form=form,
                  response=None, municipalities=svc.municipalities(), duplicates=duplicates,
                  case_numbers={k: v for k, v in request.form.items() if k.startswith("case_")})


def submit_registration(form, network_of, details_of, **choice):
    """A referral registered from either form (a network's, or the board's with the network
    chosen): submit() with the pending referrals it may repeat, which the person may see,
    kept for the duplicate warning. Returns (the outcome, those referrals)."""
    duplicates: list[svc.Duplicate] = []

    def register():
        try:
            return svc.register_referral(
                network_of(), current_user, details_of(),
                anyway=bool(form.register_anyway.data),
                visible=lambda response: may(current_user, "view_response", response),
                **choice)
        except svc.PossibleDuplicate as warning:
            duplicates.extend(warning.duplicates)
            raise

    return submit(form, register), duplicates


def registered_message(registered: svc.Registered, done: str) -> str:
    if not registered.told:
        return done
    return " ".join([done, ngettext(
        "%(num)s person i nätverket får e-post om remissen.",
        "%(num)s personer i nätverket får e-post om remissen.", registered.told)])


@bp.route("/<int:response_id>/uppgifter", methods=["GET", "POST"])
def edit(slug: str, response_id: int):
    network, response = _response(slug, response_id, "edit_response")
    form = DetailsForm(obj=None if request.method == "POST" else response,
                       people=svc.network_people(network),
                       documents=svc.network_documents(network))
    if request.method == "GET":
        form.version.data = response.lock_version
        form.document_ids.data = [d.document_id for d in response.referral_documents]
        case_numbers = {f"case_{c.municipality_id}": c.case_number for c in response.case_numbers}
    else:
        case_numbers = {k: v for k, v in request.form.items() if k.startswith("case_")}
    done = submit(form, lambda: svc.update_response(
        response, current_user, _details(form),
        expected_version=_version_number(form.version.data)),
        raced=_("Någon annan har ändrat uppgifterna medan du skrev. Kontrollera dem nedan och "
                "spara igen."))
    if done:
        flash(_("Uppgifterna är sparade."), "success")
        return redirect(url_for(".show", slug=slug, response_id=response.id), 303)
    if request.method == "POST":
        response = svc.get_response(network, response_id)
        form.version.data = response.lock_version
    return render("consultations/form.html", status=form_status(), network=network, form=form,
                  response=response, municipalities=svc.municipalities(),
                  case_numbers=case_numbers)


# ---------------------------------------------------------------- the response


def _show(network, response, status=200, **given):
    """The response's page after a form (with what was posted and its errors), or an htmx
    answer that swaps the sections (after a move)."""
    return render("consultations/show.html", block="sections" if status == 200 else None,
                  status=status, **_show_context(network, svc.load_for_page(response),
                                                 **given))


def _show_context(network, response, triage_form=None, section_form=None,
                  snapshot_form=None, comment_forms=None, moved=None, position_current=None,
                  relocate_form=None, **review_forms) -> dict:
    """What the response's page shows, `response` loaded with it (`svc.load_for_page`)."""
    # The positions' tracker once the answer has been up for review (or has positions).
    windows = _windows(response)
    tracker = (review.tracker(response)
               if response.is_joint and (response.status != ResponseStatus.DRAFT
                                         or response.positions) else [])
    return dict(
        network=network,
        response=response,
        today=clock.today(),
        triage_form=triage_form or TriageForm(formdata=None),
        section_form=section_form or NewSectionForm(formdata=None),
        snapshot_form=snapshot_form or SnapshotForm(formdata=None),
        comment_forms=comment_forms or {},
        moved=moved,
        button_form=review_forms.pop("button_form", None) or ButtonForm(formdata=None),
        move_form=MoveForm(formdata=None),
        **_relocate(response, relocate_form),
        tracker=tracker,
        baseline=review.baseline(response),
        committee_changes=review.committee_changes(response),
        latest_return=review.latest_return(response),
        windows=windows,
        decision_dates=review.decision_dates(response),
        position_current=position_current,
        **(_review_forms(response, tracker, **review_forms)
           if response.is_joint or response.is_open else {}),
        render_markdown=render_markdown,
        links=svc.parse_links(response.referral_links),
        open_count=sum(s.open_comment_count for s in response.live_sections),
        may_edit=may(current_user, "edit_response", response),
        may_comment=may(current_user, "comment_response", response),
    )


def _relocate(response, posted=None) -> dict:
    """For the secretariat: the form that moves the referral to another network while the
    network has not started on it, or else why it can no longer move."""
    if not may(current_user, "move_response", response):
        return {"relocate_form": None, "move_refusal": None}
    if posted is not None:
        return {"relocate_form": posted, "move_refusal": None}
    refusal = svc.move_refusal(response)
    if refusal is not None:
        return {"relocate_form": None, "move_refusal": refusal}
    return {"relocate_form": MoveResponseForm(formdata=None,
                                              networks=svc.move_targets(response)),
            "move_refusal": None}


def _windows(response) -> list:
    """The meetings that can still handle the response before its deadline (once the
    management group has sent it on, only the committee's)."""
    if not response.is_open:
        return []
    windows = meetings.handling_meetings(response.deadline, clock.today())
    if response.status == ResponseStatus.COMMITTEE_REVIEW:
        windows = [w for w in windows if w.body.kind == "committee"]
    return windows


@bp.get("/<int:response_id>")
def show(slug: str, response_id: int):
    """The response: its facts, sections with comments, review path and the forms the person
    may use. Kept as a fragment per person (what they may do shows in it) until anything
    changes; the forms in it are fresh ones, and each request fills in its own CSRF token."""
    cache.versions()  # before the response the fragment shows
    network, response = _response(slug, response_id)
    htmx = is_htmx()
    cached = cache.blocks(
        "consultations/show.html", ("sections",) if htmx else ("network_content",),
        (response.id, current_user.id), cache.ALL_SCOPES,
        lambda: _show_context(network, svc.load_for_page(response)))
    return render("consultations/show.html", block="sections", network=network,
                  response=response, cached=cached)


@bp.post("/<int:response_id>/beslut")
def triage(slug: str, response_id: int):
    network, response = _response(slug, response_id, "edit_response")
    form = TriageForm()
    done = submit(form, lambda: svc.decide(response, current_user, form.answer.data,
                                           reason=form.reason.data or "",
                                           report_parts=_parts(form.report_parts.data)))
    if done:
        flash(_("Beslutet är sparat: %(status)s.", status=response_status(response.status)),
              "success")
        return redirect(url_for(".show", slug=slug, response_id=response.id), 303)
    response = svc.get_response(network, response_id)
    return _show(network, response, status=422, triage_form=form)


@bp.post("/<int:response_id>/avsnitt")
def add_section(slug: str, response_id: int):
    network, response = _response(slug, response_id, "edit_response")
    form = NewSectionForm()
    done = submit(form, lambda: svc.add_section(response, current_user, form.title.data))
    if done:
        flash(_("Avsnittet ”%(title)s” är tillagt.", title=done.result.title), "success")
        return redirect(url_for(".show", slug=slug, response_id=response.id,
                                _anchor=f"section-{done.result.id}"), 303)
    response = svc.get_response(network, response_id)
    return _show(network, response, status=422, section_form=form)


@bp.post("/<int:response_id>/avsnitt/<int:section_id>/flytta")
def move_section(slug: str, response_id: int, section_id: int):
    network, response, section = _response_section(slug, response_id, section_id,
                                                   "edit_response")
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("upp", "ner"):
        abort(400)
    try:
        moved = svc.move_section(section, current_user,
                                 -1 if form.direction.data == "upp" else 1)
    except RuleError as error:
        db.session.rollback()
        if is_htmx():
            abort(409)
        flash(str(error), "error")
        return redirect(url_for(".show", slug=slug, response_id=response_id), 303)
    db.session.commit()
    if is_htmx():
        response = svc.get_response(network, response_id)
        section = svc.get_section(response, section_id)
        return _show(network, response, moved=(section, form.direction.data))
    if moved:
        flash(_("Avsnittet ”%(title)s” är flyttat.", title=section.title), "success")
    return redirect(url_for(".show", slug=slug, response_id=response_id,
                            _anchor=f"section-{section_id}"), 303)


@bp.post("/<int:response_id>/avsnitt/<int:section_id>/ta-bort")
def remove_section(slug: str, response_id: int, section_id: int):
    network, response, section = _response_section(slug, response_id, section_id,
                                                   "edit_response")
    title = section.title
    done = submit(ButtonForm(), lambda: svc.remove_section(section, current_user))
    if done:
        flash(_("Avsnittet ”%(title)s” är borttaget. Det finns kvar i historiken, där det kan "
                "återställas.", title=title), "success")
    return redirect(url_for(".show", slug=slug, response_id=response_id), 303)


@bp.post("/<int:response_id>/avsnitt/<int:section_id>/aterstall")
def restore_section(slug: str, response_id: int, section_id: int):
    network, response, section = _response_section(slug, response_id, section_id,
                                                   "edit_response", include_removed=True)
    if section.deleted_at is None:
        abort(404)
    title = section.title
    form = ButtonForm()
    done = submit(form, lambda: svc.restore_section(section, current_user))
    if done:
        flash(_("Avsnittet ”%(title)s” är återställt, sist i svaret.", title=title), "success")
        return redirect(url_for(".show", slug=slug, response_id=response_id,
                                _anchor=f"section-{section_id}"), 303)
    for error in form.form_errors:
        flash(error, "error")
    return redirect(url_for(".history", slug=slug, response_id=response_id), 303)


# ---------------------------------------------------------------- editing a section


def _section_form(network, response, section, form, status=200, conflict=None, gone=False,
                  csrf_failed=False):
    return render("consultations/section_form.html", status=status, network=network,
                  response=response, section=section, form=form, conflict=conflict, gone=gone,
                  csrf_failed=csrf_failed)


@bp.route("/<int:response_id>/avsnitt/<int:section_id>/redigera", methods=["GET", "POST"])
def edit_section(slug: str, response_id: int, section_id: int):
    network, response, section = _response_section(slug, response_id, section_id,
                                                   "edit_response", include_removed=True)
    form = SectionForm()
    if request.method == "GET":
        if section.deleted_at is not None:
            abort(404)
        if not response.is_written_here:
            flash(_("Svaret är låst för ändringar i det läge det är nu (%(status)s).",
                    status=response_status(response.status)), "info")
            return redirect(url_for(".show", slug=slug, response_id=response_id,
                                    _anchor=f"section-{section_id}"), 303)
        form.title.data = section.title
        form.body.data = section.body
        form.version.data = section.lock_version
        form.base.data = latest_number(SectionRevision.section_id, section.id) or ""
        return _section_form(network, response, section, form)
    if not form.validate():
        return _section_form(network, response, section, form, status=422)

    def show(form, **given):
        return _section_form(network, response, section, form, **given)

    try:
        answer = save_text(
            form, lambda: svc.save_section(section, current_user,
                                           expected_version=_version_number(form.version.data),
                                           title=form.title.data, body=form.body.data or ""),
            owner=SectionRevision.section_id, owner_id=section_id,
            reload=lambda: (section.lock_version, section.body), show=show,
            gone=(svc.SectionGone,))
    except RuleError as error:
        db.session.rollback()
        put_error(form, error)
        return _section_form(network, response, section, form, status=422)
    if answer is not None:
        return answer
    flash(_("Avsnittet ”%(title)s” är sparat.", title=form.title.data.strip()), "success")
    return redirect(url_for(".show", slug=slug, response_id=response_id,
                            _anchor=f"section-{section_id}"), 303)


KEPT_FIELDS = {"title": _l("Rubrik"), "body": _l("Text")}


@keeps_text("consultations.edit_section", fields=KEPT_FIELDS)
def _keep_section_text(slug: str = "", response_id: int = 0, section_id: int = 0):
    """The CSRF check failed (e.g. a login elsewhere): the form again with what was posted,
    for a person who may still edit."""
    network, response, section = svc.by_url(slug, response_id, section_id)
    if section is None or not may(current_user, "edit_response", response):
        return None
    form = SectionForm(meta={"csrf": True})
    return _section_form(network, response, section, form, status=400, csrf_failed=True)


# ---------------------------------------------------------------- comments


@bp.post("/<int:response_id>/avsnitt/<int:section_id>/kommentarer")
def add_comment(slug: str, response_id: int, section_id: int):
    network, response, section = _response_section(slug, response_id, section_id,
                                                   "comment_response")
    form = CommentForm()
    parent = None
    parent_id = _id(form.parent_id.data)
    if form.parent_id.data:
        parent = svc.get_comment(response, parent_id) if parent_id else None
        if parent is None or parent.section_id != section.id:
            abort(404)
    done = submit(form, lambda: svc.add_comment(section, current_user, form.body.data,
                                                parent=parent))
    if done:
        flash(_("Svaret är sparat.") if parent else _("Kommentaren är sparad."), "success")
        return redirect(url_for(".show", slug=slug, response_id=response_id,
                                _anchor=f"comment-{done.result.id}"), 303)
    response = svc.get_response(network, response_id)
    key = f"{section_id}-{(parent.parent or parent).id}" if parent else str(section_id)
    return _show(network, response, status=422, comment_forms={key: form})


@bp.post("/<int:response_id>/kommentarer/<int:comment_id>/status")
def resolve_comment(slug: str, response_id: int, comment_id: int):
    network, response = _response(slug, response_id, "comment_response")
    comment = svc.get_comment(response, comment_id)
    if comment is None:
        abort(404)
    resolved = request.form.get("resolved") == "1"
    done = submit(ButtonForm(), lambda: svc.set_resolved(comment, current_user, resolved))
    if done:
        flash(_("Kommentaren är markerad som löst.") if resolved
              else _("Kommentaren är öppen igen."), "success")
    return redirect(url_for(".show", slug=slug, response_id=response_id,
                            _anchor=f"comment-{comment.parent_id or comment.id}"), 303)


# ---------------------------------------------------------------- history and versions


@bp.get("/<int:response_id>/historik")
def history(slug: str, response_id: int):
    network, response = _response(slug, response_id)
    return render("consultations/history.html", network=network, response=response,
                  sections=svc.section_history(response))


@bp.post("/<int:response_id>/versioner")
def add_snapshot(slug: str, response_id: int):
    network, response = _response(slug, response_id, "edit_response")
    form = SnapshotForm()
    done = submit(form, lambda: svc.save_snapshot(response, current_user, form.name.data))
    if done:
        flash(_("Versionen ”%(name)s” är sparad.", name=done.result.name), "success")
        return redirect(url_for(".versions", slug=slug, response_id=response_id), 303)
    response = svc.get_response(network, response_id)
    return _show(network, response, status=422, snapshot_form=form)


@bp.get("/<int:response_id>/versioner")
def versions(slug: str, response_id: int):
    network, response = _response(slug, response_id)
    return render("consultations/versions.html", network=network, response=response,
                  snapshot_form=SnapshotForm(formdata=None),
                  may_edit=may(current_user, "edit_response", response))


CURRENT = "nu"


@bp.get("/<int:response_id>/jamfor")
def compare(slug: str, response_id: int):
    network, response = _response(slug, response_id)
    snapshots = response.snapshots
    if not snapshots:
        abort(404)

    def state(value):
        if value == CURRENT:
            return CURRENT, None, svc.section_state(response)
        snapshot = svc.get_snapshot(response, _id(value)) if _id(value) else None
        if snapshot is None:  # another response's snapshot, or none at all
            abort(404)
        return str(snapshot.id), snapshot, snapshot.sections

    newer = state(request.args.get("till") or CURRENT)
    older = state(request.args.get("fran") or str(snapshots[0].id))
    changes = svc.compare_sections(older[2], newer[2])
    return render("consultations/compare.html", network=network, response=response,
                  older=older, newer=newer, changes=changes, current=CURRENT)


# ---------------------------------------------------------------- the review path


def _review_forms(response, tracker, **given) -> dict:
    """The review panel's forms: the posted one (with its errors) or fresh ones, pre-filled
    with what is known (the decision's date, the contact person as presenter) for the person
    who may use them."""
    today = clock.today()
    forms = {
        "management_form": ManagementDecisionForm(formdata=None),
        "committee_form": committee_decision_form(response.live_sections, formdata=None),
        "sent_form": SentForm(formdata=None, sent_on=today, sent_to=response.referring_body),
        "extension_form": ExtensionForm(formdata=None),
        "position_forms": {},
    }
    if may(current_user, "decide_management", response):
        forms["management_form"].mg_meeting_on.data = review.suggested_date(response)
    if may(current_user, "decide_committee", response):
        forms["committee_form"].meeting_on.data = review.suggested_date(response)
        if response.contact_person:
            forms["committee_form"].presenter_name.data = response.contact_person.name
            forms["committee_form"].presenter_title.data = response.contact_person.title
    for row in tracker:
        if may(current_user, "state_position", (response, row.municipality.id)):
            form = PositionForm(formdata=None, obj=row.position)
            form.version.data = row.position.lock_version if row.position else ""
            forms["position_forms"][row.municipality.id] = form
    if may(current_user, "record_position_on_behalf", response):
        form = OnBehalfPositionForm(formdata=None, rows=tracker)
        form.set_versions(tracker)
        forms["behalf_form"] = form
    given_positions = given.pop("position_forms", {})
    forms.update(given)
    forms["position_forms"].update(given_positions)
    return forms


def _decided_meanwhile() -> str:
    # Another step was recorded between the policy's check and this request's write.
    return _("Någon annan registrerade ett beslut om svaret medan du skrev. Läs svaret som det "
             "är nu nedan.")


def _review_step(slug: str, response_id: int, action: str, form, step, message):
    """One step of the review path: load, check the policy (role and state), run the step
    (which queues the mail), commit, and go back to the response; with the form's errors on
    the page otherwise."""
    network, response = _response(slug, response_id, action)
    done = submit(form, lambda: step(response), raced=_decided_meanwhile())
    if done:
        flash(message if isinstance(message, str) else message(done.result), "success")
        return redirect(url_for(".show", slug=slug, response_id=response_id,
                                _anchor="review"), 303)
    response = svc.get_response(network, response_id)
    return _show(network, response, status=form_status(), **{_form_key(form): form})


def _form_key(form) -> str:
    return {ManagementDecisionForm: "management_form", SentForm: "sent_form",
            ExtensionForm: "extension_form", ButtonForm: "button_form"}[type(form)]


@bp.post("/<int:response_id>/skicka-upp")
def submit_review(slug: str, response_id: int):
    return _review_step(
        slug, response_id, "submit_response", ButtonForm(),
        lambda response: review.submit_for_review(response, current_user),
        _("Svaret är skickat till ledningsgruppen. Texten är låst medan den granskas."))


@bp.post("/<int:response_id>/ledningsgruppen")
def management_decision(slug: str, response_id: int):
    form = ManagementDecisionForm()
    return _review_step(
        slug, response_id, "decide_management", form,
        lambda response: review.management_decision(
            response, current_user, form.mg_decision.data, reason=form.mg_reason.data or "",
            meeting_on=form.mg_meeting_on.data),
        lambda event: _("Svaret är skickat vidare till samarbetskommittén.")
        if event.kind == "forwarded" else _("Svaret är återremitterat till nätverket."))


@bp.post("/<int:response_id>/kommitten")
def committee_decision(slug: str, response_id: int):
    network, response = _response(slug, response_id, "decide_committee")
    form = committee_decision_form(response.live_sections)
    done = submit(form, lambda: review.committee_decision(
        response, current_user, form.decision.data, meeting_on=form.meeting_on.data,
        reason=form.reason.data or "", presenter_name=form.presenter_name.data or "",
        presenter_title=form.presenter_title.data or "",
        adopt_anyway=bool(form.adopt_anyway.data), texts=form.texts()),
        raced=_decided_meanwhile())
    if done:
        event = done.result
        if event.kind != "adopted":
            message = _("Svaret är återremitterat till nätverket.")
        elif form.decision.data == "adopt_changes":
            message = _("Svaret är antaget med kommitténs ändringar. Kansliet skickar det till "
                        "remissinstansen.")
        else:
            message = _("Svaret är antaget. Kansliet skickar det till remissinstansen.")
        flash(message, "success")
        return redirect(url_for(".show", slug=slug, response_id=response_id,
                                _anchor="review"), 303)
    response = svc.get_response(network, response_id)
    return _show(network, response, status=form_status(), committee_form=form)


@bp.post("/<int:response_id>/skickat")
def mark_sent(slug: str, response_id: int):
    form = SentForm()

    def step(response):
        return review.mark_sent(
            response, current_user, sent_on=form.sent_on.data, sent_to=form.sent_to.data or "",
            keep_letter=lambda: export.keep_letter(response, current_user,
                                                   sent_on=form.sent_on.data))

    return _review_step(slug, response_id, "mark_sent", form, step,
                        _("Svaret är registrerat som skickat. Yttrandet är sparat bland "
                          "nätverkets dokument."))


@bp.post("/<int:response_id>/anstand")
def extend_deadline(slug: str, response_id: int):
    form = ExtensionForm()
    return _review_step(
        slug, response_id, "extend_deadline", form,
        lambda response: review.extend_deadline(
            response, current_user, new_deadline=form.new_deadline.data,
            reason=form.extension_reason.data or ""),
        lambda event: _("Det nya svarsdatumet %(date)s är sparat.",
                        date=format_date(event.new_deadline, "long")))


@bp.post("/<int:response_id>/stallningstagande/<int:municipality_id>")
def record_position(slug: str, response_id: int, municipality_id: int):
    network, response = _response(slug, response_id)
    municipality = db.get_or_404(Municipality, municipality_id)
    authorize(current_user, "state_position", (response, municipality.id))
    form = PositionForm()
    done = submit(form, lambda: review.record_position(
        response, current_user, municipality, stance=form.stance.data,
        statement=form.statement.data or "",
        decision_reference=form.decision_reference.data or "",
        expected_version=_version_number(form.version.data)))
    if done:
        flash(_("%(whose)s ställningstagande är sparat.", whose=genitive(municipality.name)),
              "success")
        return redirect(url_for(".show", slug=slug, response_id=response_id,
                                _anchor=f"position-{municipality.id}"), 303)
    response = svc.get_response(network, response_id)
    current = review.get_position(response, municipality.id)
    form.version.data = current.lock_version if current else ""
    return _show(network, response, status=form_status(),
                 position_forms={municipality.id: form}, position_current=current)


@bp.post("/<int:response_id>/stallningstagande-for-kommun")
def record_position_on_behalf(slug: str, response_id: int):
    """The secretariat records a municipality's position for it, with what it is based on."""
    network, response = _response(slug, response_id, "record_position_on_behalf")
    rows = review.tracker(response)
    form = OnBehalfPositionForm(rows=rows)
    municipality = next((row.municipality for row in rows
                         if row.municipality.id == form.municipality_id.data), None)

    def step():
        if municipality is None:
            raise RuleError(_l("Välj kommunen."), "municipality_id")
        return review.record_position_on_behalf(
            response, current_user, municipality, source=form.source.data or "",
            stance=form.stance.data, statement=form.statement.data or "",
            decision_reference=form.decision_reference.data or "",
            expected_version=form.version_for(municipality.id))

    done = submit(form, step, raced=_(
        "Någon annan sparade kommunens ställningstagande samtidigt. Läs det som nu är sparat i "
        "listan ovan och spara igen om ditt ska gälla."))
    if done:
        flash(_("%(whose)s ställningstagande är sparat, registrerat av kansliet.",
                whose=genitive(municipality.name)), "success")
        return redirect(url_for(".show", slug=slug, response_id=response_id,
                                _anchor=f"position-{municipality.id}"), 303)
    response = svc.get_response(network, response_id)
    form.set_versions(review.tracker(response))
    return _show(network, response, status=form_status(), behalf_form=form)


@bp.get("/<int:response_id>/yttrande.docx")
def letter(slug: str, response_id: int):
    network, response = _response(slug, response_id, "download_letter")
    letter = export.letter_for(response)
    return send_file(io.BytesIO(build_docx(letter)), mimetype=DOCX_TYPE, as_attachment=True,
                     download_name=filename(letter), max_age=0)


# ---------------------------------------------------------------- moving to another network


@bp.post("/<int:response_id>/flytta")
def move(slug: str, response_id: int):
    """The secretariat moves a referral registered for the wrong network, before the network
    has started on it; afterwards it is at the new network's URL (the old one leads there)."""
    network, response = _response(slug, response_id, "move_response")
    refusal = svc.move_refusal(response)
    if refusal is not None:
        flash(refusal, "error")
        return redirect(url_for(".show", slug=slug, response_id=response_id), 303)
    targets = svc.move_targets(response)
    form = MoveResponseForm(networks=targets)
    done = submit(form, lambda: svc.move_response(
        response, current_user,
        next((n for n in targets if n.id == form.target_network_id.data), None)))
    if done:
        moved = done.result
        messages = [_("Remissen är flyttad till %(network)s.", network=response.network.name)]
        if moved.told:
            messages.append(ngettext("%(num)s person i nätverket får e-post om remissen.",
                                     "%(num)s personer i nätverket får e-post om remissen.",
                                     moved.told))
        if moved.told_old:
            messages.append(ngettext(
                "%(num)s person i %(network)s får e-post om att den har flyttats därifrån.",
                "%(num)s personer i %(network)s får e-post om att den har flyttats därifrån.",
                moved.told_old, network=moved.old_network.name))
        if moved.documents_left:
            messages.append(_("Remisshandlingarna bland dokumenten följde inte med; de finns "
                              "kvar i %(network)s: %(titles)s.", network=moved.old_network.name,
                              titles=", ".join(moved.documents_left)))
        flash(" ".join(messages), "success")
        return redirect(url_for(".show", slug=response.network.slug, response_id=response_id),
                        303)
    response = svc.get_response(network, response_id)
    return _show(network, response, status=422, relocate_form=form)
