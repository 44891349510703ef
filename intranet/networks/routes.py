from flask import request
from flask_login import current_user
from sqlalchemy import select

from intranet.authz import authorize
from intranet.extensions import db
from intranet.htmx import render
from intranet.networks import bp
from intranet.org.models import FocusArea, Network
from intranet.org.services import active_networks, network_members, network_summaries


@bp.get("/")
def directory():
    """All networks, searchable by name and filterable by focus area (active search)."""
    authorize(current_user, "view_network_directory")
    query = request.args.get("q", "").strip()[:100]
    focus_area_id = request.args.get("fokus", type=int)
    focus_areas = list(db.session.scalars(select(FocusArea).order_by(FocusArea.position)))
    summaries = network_summaries(active_networks(query, focus_area_id), person=current_user)
    return render(
        "networks/directory.html",
        block="results",
        summaries=summaries,
        query=query,
        focus_area_id=focus_area_id,
        focus_areas=focus_areas,
    )


@bp.get("/<slug>")
def show(slug: str):
    """A network's page with its members, grouped by municipality, gaps shown."""
    network = db.first_or_404(select(Network).where(Network.slug == slug))
    authorize(current_user, "view_network", network)
    members = network_members(network)
    return render("networks/show.html", network=network, members=members)
