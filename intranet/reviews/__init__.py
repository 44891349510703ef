"""The responses board: every joint consultation response across the networks, grouped by
stage, for the management group, the committee and the secretariat."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/remissvar")
