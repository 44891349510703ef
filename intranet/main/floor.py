"""The benchmark's floor: the base layout through the same server and middleware as every
page, without touching the database. Registered only when BENCH_FLOOR is set (`make bench`)."""

from flask import Blueprint

from intranet.htmx import render

bp = Blueprint("bench", __name__, url_prefix="/_bench")


@bp.get("/floor")
def floor():
    """What any page costs before it reads data: routing, middleware, the layout."""
    return render("base.html")
