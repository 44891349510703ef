from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from intranet import cache
from intranet.appointments.forms import ConvenerForm, NetworkForm
from intranet.appointments.services import history as history_of
from intranet.auth.services import is_fresh
from intranet.authz import authorize
from intranet.errors import keep_posted_text
from intranet.extensions import db
from intranet.forms_flow import form_status, submit
from intranet.htmx import render
from intranet.networks import bp
from intranet.networks.services import set_convener, update_network
from intranet.org.models import Appointment, FocusArea
from intranet.org.services import (
    directory_page,
    network_members,
    network_summaries,
)
from intranet.urls import db_int, network_or_404

keep_posted_text("networks.edit", {"name": _l("Namn"), "short_name": _l("Kortnamn"),
                                   "description": _l("Beskrivning")})


@bp.get("/")
def directory():
    """All networks, searchable by name and filterable by focus area (active search)."""
    authorize(current_user, "view_network_directory")
    query = request.args.get("q", "").strip()[:100]
    focus_area_id = request.args.get("fokus", type=db_int)
    focus_areas = list(db.session.scalars(select(FocusArea).order_by(FocusArea.position)))
    page = directory_page(query, focus_area_id, request.args.get("sida", 1, type=db_int))
    return render(
        "networks/directory.html",
        block="results",
        page=page,
        args={name: value for name, value in (("q", query), ("fokus", focus_area_id)) if value},
        summaries=network_summaries(page.items, person=current_user),
        query=query,
        focus_area_id=focus_area_id,
        focus_areas=focus_areas,
    )


@bp.get("/<slug>")
def show(slug: str):
    """A network's page with its members, grouped by municipality, gaps shown: the same for
    everyone who may see it, cached fragments until the network's people change."""
    cache.versions()  # before the network the fragments show
    network = network_or_404(slug)
    authorize(current_user, "view_network", network)
    cached = cache.blocks("networks/show.html", ("facts", "members"), (network.id,),
                          ("org", "programme"),
                          lambda: {"network": network, "members": network_members(network)})
    return render("networks/show.html", network=network, cached=cached)


@bp.get("/<slug>/historik")
def history(slug: str):
    """Who was appointed and ended in the network, when and by whom."""
    network = network_or_404(slug)
    authorize(current_user, "view_network_history", network)
    return render("networks/history.html", network=network, appointments=history_of(network))


@bp.route("/<slug>/redigera", methods=["GET", "POST"])
def edit(slug: str):
    network = network_or_404(slug)
    authorize(current_user, "edit_network", network)
    form = NetworkForm(obj=network if request.method == "GET" else None)
    areas = list(db.session.scalars(select(FocusArea).order_by(FocusArea.position)))
    form.focus_areas.choices = [SelectChoice(a.id, a.name) for a in areas]
    if request.method == "GET":
        form.focus_areas.data = [a.id for a in network.focus_areas]
    if submit(form, lambda: update_network(
            network, actor=current_user, name=form.name.data, short_name=form.short_name.data,
            description=form.description.data,
            focus_areas=[a for a in areas if a.id in (form.focus_areas.data or [])]),
            sensitive=True):
        flash(_("Nätverket är sparat."), "success")
        return redirect(url_for("networks.show", slug=network.slug), 303)
    return render("networks/edit.html", status=form_status(), network=network, form=form,
                  fresh=is_fresh(current_user))


@bp.route("/<slug>/sammankallande", methods=["GET", "POST"])
def convener(slug: str):
    network = network_or_404(slug)
    authorize(current_user, "set_convener", network)
    members = network_members(network)
    form = ConvenerForm()
    form.appointment_id.choices = [
        SelectChoice(a.id, f"{a.person.name} ({g.municipality.name})")
        for g in members.groups for a in g.appointments
    ]
    if request.method == "GET" and members.conveners:
        form.appointment_id.data = next(
            a.id for g in members.groups for a in g.appointments if a.is_convener)
    outcome = submit(form, lambda: set_convener(
        network, db.get_or_404(Appointment, form.appointment_id.data), actor=current_user),
        sensitive=True)
    if outcome:
        appointment = db.session.get(Appointment, form.appointment_id.data)
        flash(_("%(name)s är nu sammankallande för %(network)s.",
                name=appointment.person.name, network=network.short_name), "success")
        return redirect(url_for("networks.show", slug=network.slug), 303)
    return render("networks/convener.html", status=form_status(), network=network, form=form,
                  fresh=is_fresh(current_user))
