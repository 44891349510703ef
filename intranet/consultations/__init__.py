"""Joint consultation responses (remissvar): a referral answered by all municipalities
together, written in sections. The blueprint; its routes are in routes.py, imported when the
app registers it."""

from flask import Blueprint

bp = Blueprint("consultations", __name__, url_prefix="/natverk/<slug>/remissvar")
