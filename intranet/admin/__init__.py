"""The blueprint; its routes are in routes.py, imported when the app registers it."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/kansliet")
