from flask_login import current_user

from intranet.authz import authorize
from intranet.htmx import render
from intranet.org import bp
from intranet.org.services import body_rosters


@bp.get("/")
def bodies():
    """The committee, the management group and the secretariat, seat by seat."""
    authorize(current_user, "view_bodies")
    return render("org/bodies.html", rosters=body_rosters())
