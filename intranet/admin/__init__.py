from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/kansliet")

from intranet.admin import routes  # noqa: E402, F401
