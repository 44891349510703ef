from flask import Blueprint

bp = Blueprint("auth", __name__)

from intranet.auth import routes  # noqa: E402, F401
