from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from intranet.authz import authorize
from intranet.extensions import db
from intranet.htmx import render
from intranet.main import bp
from intranet.org.services import network_summaries, networks_of, seats_of
from intranet.urls import safe_next


@bp.get("/")
def index():
    """The start page: Mina nätverk."""
    authorize(current_user, "view_start")
    summaries = network_summaries(networks_of(current_user), person=current_user)
    return render("main/index.html", summaries=summaries, seats=seats_of(current_user))


@bp.post("/sprak")
def set_language():
    """Switch the interface language; remembered in the session and on the person."""
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("main.index")), 303)


@bp.get("/halsa")
def health():
    """For load balancers and benchmarks: the app answers, without touching the database."""
    return {"status": "ok"}
