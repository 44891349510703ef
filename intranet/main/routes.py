from datetime import date

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import cache, clock
from intranet.authz import authorize, member_network_ids
from intranet.consultations.review import waiting_for
from intranet.consultations.services import new_referrals
from intranet.extensions import db, limiter
from intranet.htmx import render
from intranet.main import bp
from intranet.main.forms import AccessibilityReportForm
from intranet.main.services import report_accessibility_problem
from intranet.org.services import network_summaries, networks_of, seats_of
from intranet.urls import safe_next

# The day the accessibility statement's assessment was last made (and the statement updated
# with it): change it, and the statement's known gaps, after each new assessment.
ACCESSIBILITY_ASSESSED_ON = date(2026, 12, 7)


@bp.get("/")
def index():
    """The start page: Mina nätverk. What it shows is the person's own (their networks,
    seats and what waits for them), kept as a fragment per person until anything changes."""
    authorize(current_user, "view_start")

    def context() -> dict:
        summaries = network_summaries(networks_of(current_user), person=current_user)
        # A referral the network has not decided on is shown once, as new.
        new = new_referrals(member_network_ids(current_user))
        shown = {response.id for response in new}
        waiting = [item for item in waiting_for(current_user)
                   if item.response.id not in shown]
        return dict(summaries=summaries, seats=seats_of(current_user), new_referrals=new,
                    waiting=waiting, today=clock.today())

    cached = cache.blocks("main/index.html", ("content",), (current_user.id,),
                          cache.ALL_SCOPES, context)
    return render("main/index.html", cached=cached)


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


@bp.route("/tillganglighet", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse), with a way to report a
    problem to the secretariat. Open to everyone, logged in or not."""
    form = AccessibilityReportForm()
    if request.method == "GET":
        form.page.data = safe_next(request.args.get("sida"), "")
    if form.validate_on_submit():
        report_accessibility_problem(
            reporter=current_user if current_user.is_authenticated else None,
            message=form.message.data, page=form.page.data, contact=form.contact.data)
        db.session.commit()
        flash(_("Tack! Din rapport har skickats till kansliet."), "success")
        return redirect(url_for("main.accessibility"), 303)
    status = 422 if request.method == "POST" else 200
    return render("main/accessibility.html", form=form, status=status,
                  assessed_on=ACCESSIBILITY_ASSESSED_ON)
