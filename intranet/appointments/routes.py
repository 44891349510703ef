from flask import current_app, flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intranet import cache, clock
from intranet.appointments import bp
from intranet.appointments.forms import AppointForm, EndForm, ReplaceForm
from intranet.appointments.services import (
    AppointmentError,
    appoint,
    coverage,
    coverage_page,
    create_person,
    end,
    find_people,
    replace,
    representation,
)
from intranet.auth.services import is_fresh
from intranet.authz import authorize, may, own_municipality_id
from intranet.csvfile import csv_download
from intranet.errors import keep_posted_text
from intranet.extensions import db
from intranet.forms_flow import form_status, submit
from intranet.htmx import is_htmx, render
from intranet.org.models import Appointment, Municipality, Person
from intranet.org.services import municipalities
from intranet.urls import db_int, network_or_404


def _chosen_person(form, municipality: Municipality) -> Person:
    """The existing person picked in the form (of this municipality), or a new one."""
    if form.person_id.data:
        person = db.session.get(Person, form.person_id.data)
        if person is None or person.municipality_id != municipality.id:
            raise AppointmentError(_("Välj en person från %(municipality)s.",
                                     municipality=municipality.name), field="person_id")
        return person
    return create_person(name=form.name.data, email=form.email.data, title=form.title.data,
                         municipality=municipality, actor=current_user)


@bp.get("/representation/")
def home():
    """Min kommuns representation: the person's own municipality. Someone of the secretariat
    who has none chooses one in the coverage matrix."""
    authorize(current_user, "view_any_representation")
    municipality_id = own_municipality_id(current_user)
    if municipality_id is None:
        return redirect(url_for("appointments.coverage_matrix"), 303)
    return redirect(url_for("appointments.municipality", municipality_id=municipality_id), 303)


@bp.get("/representation/<int:municipality_id>")
def municipality(municipality_id: int):
    municipality = db.get_or_404(Municipality, municipality_id)
    authorize(current_user, "view_representation", municipality)
    choices = [m for m in municipalities() if may(current_user, "view_representation", m)]
    return render("appointments/representation.html", municipality=municipality,
                  representation=representation(municipality), choices=choices,
                  today=clock.today())


# What a director typed is shown back for copying if the login ended before the save.
_TYPED = {"name": _l("Namn"), "email": _l("E-postadress"), "title": _l("Titel"),
          "note": _l("Anteckning")}
keep_posted_text("appointments.appoint_member", _TYPED)
keep_posted_text("appointments.replace_member", _TYPED)
keep_posted_text("appointments.end_member", {"reason": _l("Anledning")})


def _person_search(municipality: Municipality, form):
    query = request.values.get("q", "").strip()[:100]
    return query, find_people(municipality, query, chosen=form.person_id.data)


@bp.route("/representation/<int:municipality_id>/natverk/<slug>/utse", methods=["GET", "POST"])
def appoint_member(municipality_id: int, slug: str):
    municipality = db.get_or_404(Municipality, municipality_id)
    network = network_or_404(slug)
    authorize(current_user, "manage_appointments", municipality)
    if request.method == "GET" and is_htmx():
        # The search as the director types: the municipality's people matching the words,
        # the same for everyone who appoints for it, a cached fragment until people change.
        query = request.args.get("q", "").strip()[:100]
        cached = cache.blocks(
            "appointments/appoint.html", ("person_results",), (municipality.id, query),
            ("org",), lambda: {"form": AppointForm(), "query": query,
                               "people": find_people(municipality, query)})
        return render("appointments/appoint.html", block="person_results", cached=cached)
    form = AppointForm()
    query, people = _person_search(municipality, form)
    outcome = submit(form, lambda: appoint(
        actor=current_user, network=network, municipality=municipality,
        person=_chosen_person(form, municipality), from_date=form.from_date.data,
        to_date=form.to_date.data, note=form.note.data), sensitive=True)
    if outcome:
        flash(_("%(name)s är utsedd till %(network)s.", name=outcome.result.person.name,
                network=network.short_name), "success")
        return redirect(url_for("appointments.municipality", municipality_id=municipality.id),
                        303)
    return render("appointments/appoint.html", block="person_results", status=form_status(),
                  form=form, municipality=municipality, network=network, query=query,
                  people=people, fresh=is_fresh(current_user))


def _load_appointment(appointment_id: int) -> Appointment:
    appointment = db.get_or_404(Appointment, appointment_id)
    authorize(current_user, "manage_appointment", appointment)
    return appointment


@bp.route("/uppdrag/<int:appointment_id>/ersatt", methods=["GET", "POST"])
def replace_member(appointment_id: int):
    appointment = _load_appointment(appointment_id)
    municipality = appointment.municipality
    form = ReplaceForm()
    query, people = _person_search(municipality, form)
    people = [p for p in people if p.id != appointment.person_id]
    outcome = submit(form, lambda: replace(
        appointment, actor=current_user, person=_chosen_person(form, municipality),
        on_date=form.on_date.data, note=form.note.data), sensitive=True)
    if outcome:
        flash(_("%(old)s är ersatt av %(new)s i %(network)s från och med %(date)s.",
                old=appointment.person.name, new=outcome.result.person.name,
                network=appointment.network.short_name,
                date=format_date(outcome.result.from_date, "long")), "success")
        return redirect(url_for("appointments.municipality", municipality_id=municipality.id),
                        303)
    return render("appointments/replace.html", block="person_results", status=form_status(),
                  form=form, appointment=appointment, municipality=municipality, query=query,
                  people=people, fresh=is_fresh(current_user))


@bp.route("/uppdrag/<int:appointment_id>/avsluta", methods=["GET", "POST"])
def end_member(appointment_id: int):
    appointment = _load_appointment(appointment_id)
    form = EndForm()
    if submit(form, lambda: end(appointment, actor=current_user, to_date=form.to_date.data,
                                reason=form.reason.data), sensitive=True):
        flash(_("Uppdraget för %(name)s i %(network)s upphör %(date)s.",
                name=appointment.person.name, network=appointment.network.short_name,
                date=format_date(appointment.to_date, "long")), "success")
        return redirect(url_for("appointments.municipality",
                                municipality_id=appointment.municipality_id), 303)
    return render("appointments/end.html", status=form_status(), form=form,
                  appointment=appointment, fresh=is_fresh(current_user))


@bp.get("/representation/tackning")
def coverage_matrix():
    """Networks × municipalities: the same for everyone who may see it, a cached fragment
    until an appointment (or a network, a municipality) changes."""
    authorize(current_user, "view_coverage")
    page = request.args.get("sida", 1, type=db_int)
    # The municipalities whose representation the person may open: their names are links.
    linked = tuple(m.id for m in municipalities() if may(current_user, "view_representation", m))
    cached = cache.blocks(
        "appointments/coverage.html", ("content",), (page, linked), ("org",),
        lambda: {"coverage": coverage_page(page, current_app.config["COVERAGE_PER_PAGE"]),
                 "linked": frozenset(linked)})
    return render("appointments/coverage.html", cached=cached)


@bp.get("/representation/tackning.csv")
def coverage_csv():
    authorize(current_user, "view_coverage")
    data = coverage()

    def rows():
        yield [_("Nätverk"), *[m.name for m in data.municipalities], _("Totalt"),
               _("Kommuner utan ledamot")]
        for network in data.networks:
            yield [network.name, *[data.count(network, m) for m in data.municipalities],
                   data.network_total(network), data.network_gaps(network)]
        yield [_("Totalt"), *[data.municipality_total(m) for m in data.municipalities],
               data.total, data.gap_count]

    return csv_download(rows(), "tackning.csv")
