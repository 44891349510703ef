"""Search (sök): one search field in every page's header, finding what the person may see."""

from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/sok")
