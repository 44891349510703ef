from flask import Blueprint

bp = Blueprint("networks", __name__, url_prefix="/natverk")

from intranet.networks import routes  # noqa: E402, F401
