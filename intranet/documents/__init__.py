"""Shared documents (dokument): files with versions and text pages with revisions."""

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/natverk/<slug>/dokument")

from intranet.documents import routes  # noqa: E402, F401
