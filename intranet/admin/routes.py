"""The secretariat's tools. Every change needs a fresh login and writes an audit row."""

import json
from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from intranet.admin import bp
from intranet.admin.forms import (
    ConfirmForm,
    EndSeatForm,
    NewNetworkForm,
    NewPersonForm,
    PersonForm,
    SeatForm,
)
from intranet.admin.services import (
    AdminError,
    AuditFilter,
    add_seat,
    archive_network,
    audit_choices,
    body_seats,
    create_network,
    create_person,
    deactivate_person,
    end_seat,
    people_query,
    reactivate_person,
    restore_network,
    update_person,
)
from intranet.appointments.services import find_people
from intranet.audit.labels import audit_label
from intranet.auth.fresh import fresh_enough
from intranet.auth.services import is_fresh
from intranet.authz import authorize
from intranet.csvfile import csv_download
from intranet.errors import keep_posted_text
from intranet.extensions import db
from intranet.fields import parse_date
from intranet.forms_flow import form_status, submit
from intranet.htmx import render
from intranet.org.models import Body, BodyKind, FocusArea, Municipality, Network, Person, Seat
from intranet.org.services import municipalities
from intranet.urls import db_int, network_or_404

PER_PAGE = 25

# Shown back for copying if the login ended before the save.
keep_posted_text("admin.new_person", {"name": _l("Namn"), "email": _l("E-postadress"),
                                      "title": _l("Titel"), "phone": _l("Telefon")})
keep_posted_text("admin.new_network", {"name": _l("Namn"), "short_name": _l("Kortnamn"),
                                       "description": _l("Beskrivning")})


def _municipality_choices(none_label: str):
    return [SelectChoice(0, none_label)] + [SelectChoice(m.id, m.name)
                                            for m in municipalities()]


def _date_arg(name: str, refused: dict) -> date | None:
    """A date of the query string, or None; one that is not a date between 2000 and 2100 is
    left out and its message kept in `refused` under its name."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        refused[name] = error.args[0]
        return None


# ---------------------------------------------------------------- people


@bp.get("/personer")
def people():
    authorize(current_user, "administer")
    query = request.args.get("q", "").strip()[:100]
    page = db.paginate(people_query(query), page=request.args.get("sida", 1, type=db_int),
                       per_page=PER_PAGE, error_out=False)
    return render("admin/people.html", block="results", page=page, query=query)


@bp.route("/personer/ny", methods=["GET", "POST"])
def new_person():
    authorize(current_user, "administer")
    form = NewPersonForm()
    form.municipality_id.choices = _municipality_choices(_("Ingen kommun (t.ex. kansliet)"))
    outcome = submit(form, lambda: create_person(
        actor=current_user, name=form.name.data, email=form.email.data, title=form.title.data,
        phone=form.phone.data,
        municipality=db.session.get(Municipality, form.municipality_id.data or 0),
        send_invitation=form.invite.data), sensitive=True)
    if outcome:
        flash(_("%(name)s är tillagd.", name=outcome.result.name), "success")
        return redirect(url_for("admin.person", person_id=outcome.result.id), 303)
    return render("admin/person_form.html", status=form_status(), form=form, person=None,
                  fresh=is_fresh(current_user))


@bp.route("/personer/<int:person_id>", methods=["GET", "POST"])
def person(person_id: int):
    person = db.get_or_404(Person, person_id)
    authorize(current_user, "administer", person)
    form = PersonForm(obj=person if request.method == "GET" else None)
    form.municipality_id.choices = _municipality_choices(_("Ingen kommun (t.ex. kansliet)"))
    if request.method == "GET":
        form.municipality_id.data = person.municipality_id or 0
    if submit(form, lambda: update_person(
            person, actor=current_user, name=form.name.data, email=form.email.data,
            title=form.title.data, phone=form.phone.data,
            municipality=db.session.get(Municipality, form.municipality_id.data or 0)),
            sensitive=True):
        flash(_("Uppgifterna för %(name)s är sparade.", name=person.name), "success")
        return redirect(url_for("admin.person", person_id=person.id), 303)
    return render("admin/person_form.html", status=form_status(), form=form, person=person,
                  toggle=ConfirmForm(formdata=None, prefix="account"),
                  fresh=is_fresh(current_user))


def _toggle(person_id: int, change, message: str):
    person = db.get_or_404(Person, person_id)
    authorize(current_user, "administer", person)
    form = ConfirmForm(prefix="account")
    if form.validate_on_submit() and fresh_enough(form):
        try:
            change(person, actor=current_user)
        except AdminError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(message % {"name": person.name}, "success")
        return redirect(url_for("admin.person", person_id=person.id), 303)
    edit = PersonForm(obj=person)
    edit.municipality_id.choices = _municipality_choices(_("Ingen kommun (t.ex. kansliet)"))
    edit.municipality_id.data = person.municipality_id or 0
    return render("admin/person_form.html", status=422, form=edit, person=person, toggle=form,
                  fresh=False)


@bp.post("/personer/<int:person_id>/inaktivera")
def deactivate(person_id: int):
    return _toggle(person_id, deactivate_person,
                   _("%(name)s är inaktiverad och utloggad överallt."))


@bp.post("/personer/<int:person_id>/aktivera")
def reactivate(person_id: int):
    return _toggle(person_id, reactivate_person, _("%(name)s är aktiv igen."))


# ---------------------------------------------------------------- bodies


@bp.get("/organ")
def bodies():
    authorize(current_user, "administer")
    return render("admin/bodies.html", bodies=body_seats(), end_form=EndSeatForm(formdata=None),
                  fresh=is_fresh(current_user))


OFFICERS = {"": "", "chair": "Ordförande", "vice_chair": "Vice ordförande"}


@bp.route("/organ/<int:body_id>/ny-plats", methods=["GET", "POST"])
def new_seat(body_id: int):
    body = db.get_or_404(Body, body_id)
    authorize(current_user, "administer", body)
    form = SeatForm()
    # The person search (as the secretariat types, the block alone): active people of every
    # municipality.
    query = request.values.get("q", "").strip()[:100]
    people = find_people(None, query, chosen=form.person_id.data)
    form.municipality_id.choices = _municipality_choices(_("Ingen kommun"))
    form.officer.choices = [SelectChoice("", _("Ledamot")),
                            SelectChoice("chair", _("Ordförande")),
                            SelectChoice("vice_chair", _("Vice ordförande"))]
    if body.kind == BodyKind.SECRETARIAT:
        form.officer.choices = form.officer.choices[:1]
    if submit(form, lambda: add_seat(
            actor=current_user, body=body, person=db.session.get(Person, form.person_id.data or 0),
            municipality=db.session.get(Municipality, form.municipality_id.data or 0),
            officer=form.officer.data or None, seat_title=form.seat_title.data,
            from_date=form.from_date.data), sensitive=True):
        flash(_("Platsen i %(body)s är tillsatt.", body=body.name), "success")
        return redirect(url_for("admin.bodies"), 303)
    return render("admin/seat_form.html", block="person_results", status=form_status(),
                  form=form, body=body, query=query, people=people, fresh=is_fresh(current_user))


@bp.route("/platser/<int:seat_id>/avsluta", methods=["GET", "POST"])
def end_seat_view(seat_id: int):
    seat = db.get_or_404(Seat, seat_id)
    authorize(current_user, "administer", seat)
    form = EndSeatForm()
    if submit(form, lambda: end_seat(seat, actor=current_user, to_date=form.to_date.data),
              sensitive=True):
        flash(_("Platsen för %(name)s i %(body)s upphör %(date)s.", name=seat.person.name,
              body=seat.body.name, date=seat.to_date.isoformat()), "success")
        return redirect(url_for("admin.bodies"), 303)
    return render("admin/end_seat.html", status=form_status(), form=form, seat=seat,
                  fresh=is_fresh(current_user))


# ---------------------------------------------------------------- networks


@bp.get("/natverk")
def networks():
    authorize(current_user, "administer")
    all_networks = list(db.session.scalars(select(Network).order_by(
        Network.archived_at.is_not(None), Network.name)))
    return render("admin/networks.html", networks=all_networks)


@bp.route("/natverk/nytt", methods=["GET", "POST"])
def new_network():
    authorize(current_user, "administer")
    form = NewNetworkForm()
    areas = list(db.session.scalars(select(FocusArea).order_by(FocusArea.position)))
    form.focus_areas.choices = [SelectChoice(a.id, a.name) for a in areas]
    outcome = submit(form, lambda: create_network(
        actor=current_user, name=form.name.data, short_name=form.short_name.data,
        description=form.description.data,
        focus_areas=[a for a in areas if a.id in (form.focus_areas.data or [])]),
        sensitive=True)
    if outcome:
        flash(_("Nätverket %(name)s är skapat.", name=outcome.result.name), "success")
        return redirect(url_for("networks.show", slug=outcome.result.slug), 303)
    return render("admin/network_form.html", status=form_status(), form=form,
                  fresh=is_fresh(current_user))


def _network_toggle(slug: str, change, message: str, archiving: bool):
    network = network_or_404(slug)
    authorize(current_user, "administer", network)
    form = ConfirmForm()
    if form.validate_on_submit() and fresh_enough(form):
        try:
            change(network, actor=current_user)
        except AdminError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(message % {"name": network.name}, "success")
        return redirect(url_for("admin.networks"), 303)
    status = 422 if request.method == "POST" else 200
    return render("admin/network_confirm.html", status=status, network=network, form=form,
                  archiving=archiving, fresh=is_fresh(current_user))


@bp.route("/natverk/<slug>/arkivera", methods=["GET", "POST"])
def archive(slug: str):
    return _network_toggle(slug, archive_network,
                           _("%(name)s är arkiverat: det syns inte längre i listor och val."),
                           archiving=True)


@bp.route("/natverk/<slug>/aterstall", methods=["GET", "POST"])
def restore(slug: str):
    return _network_toggle(slug, restore_network, _("%(name)s är återställt."),
                           archiving=False)


# ---------------------------------------------------------------- the audit log


def _audit_filter() -> tuple[AuditFilter, dict]:
    """The filter of the query string, and the messages for its dates that were refused."""
    refused: dict = {}
    audit_filter = AuditFilter(
        person_id=request.args.get("person", type=db_int),
        person_query=request.args.get("vem", "").strip()[:100],
        object_type=request.args.get("typ", "").strip()[:60],
        action=request.args.get("handling", "").strip()[:60],
        date_from=_date_arg("fran", refused),
        date_to=_date_arg("till", refused),
    )
    return audit_filter, refused


@bp.get("/logg")
def audit_log():
    authorize(current_user, "view_audit_log")
    audit_filter, refused = _audit_filter()
    page = db.paginate(audit_filter.statement(), page=request.args.get("sida", 1, type=db_int),
                       per_page=50, error_out=False)
    types, actions = audit_choices()
    person = db.session.get(Person, audit_filter.person_id) if audit_filter.person_id else None
    return render("admin/audit_log.html", block="results", page=page, filter=audit_filter,
                  types=types, actions=actions, person=person, refused=refused)


@bp.get("/logg.csv")
def audit_log_csv():
    """The log as the filter shows it, every event, written as it is read."""
    authorize(current_user, "view_audit_log")
    audit_filter, refused = _audit_filter()
    if refused:  # the page never links a file of dates it refused
        abort(400)

    def rows():
        yield [_("Tid (UTC)"), _("Person"), _("E-post"), _("Händelse"), _("Kod"), _("Objekt"),
               _("Objekt-id"), _("IP-adress"), _("Detaljer")]
        for event in audit_filter.events():
            yield [event.at.isoformat(sep=" ", timespec="seconds"),
                   event.actor.name if event.actor else "",
                   event.actor.email if event.actor else "",
                   audit_label(event.action), event.action, event.object_type,
                   event.object_id or "", event.ip, json.dumps(event.detail, ensure_ascii=False)]

    return csv_download(rows(), "granskningslogg.csv")
