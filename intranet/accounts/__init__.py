from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/profil")

from intranet.accounts import routes  # noqa: E402, F401
