"""Shared documents (dokument): files with versions and text pages with revisions. The
blueprint; its routes are in routes.py, imported when the app registers it."""

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/natverk/<slug>/dokument")
