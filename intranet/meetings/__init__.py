"""The blueprint; its routes are in routes.py, imported when the app registers it."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
