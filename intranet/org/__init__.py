from flask import Blueprint

bp = Blueprint("org", __name__, url_prefix="/organisation")

from intranet.org import routes  # noqa: E402, F401
