from flask import Blueprint

bp = Blueprint("appointments", __name__)

from intranet.appointments import routes  # noqa: E402, F401
