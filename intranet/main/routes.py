from datetime import date

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import cache, clock
from intranet.authz import authorize, is_secretariat, network_roles, sits_in_a_body
from intranet.extensions import db, limiter
from intranet.htmx import render
from intranet.main import bp, start
from intranet.main.forms import AccessibilityReportForm
from intranet.main.services import report_accessibility_problem
from intranet.org.services import network_summaries, networks_of, seats_of
from intranet.urls import safe_next

# The day the accessibility statement's assessment was last made (and the statement updated
# with it): change it, and the statement's known gaps, after each new assessment.
ACCESSIBILITY_ASSESSED_ON = date(2026, 12, 7)


@bp.get("/")
def index():
    """The start page: what waits for the person and what is new, by what they are, then
    their networks. What it shows is the person's own, kept as fragments per person and day
    and since-when until anything changes; the mail that could not be sent (the
    secretariat's) is read each time, as sending changes no fragment's token."""
    authorize(current_user, "view_start")
    since = start.since_of(current_user)

    def context() -> dict:
        return dict(start=start.start_page(current_user),
                    summaries=network_summaries(networks_of(current_user), person=current_user,
                                                roles=network_roles(current_user)),
                    seats=seats_of(current_user) if sits_in_a_body(current_user) else [],
                    soon_days=start.SOON_DAYS, new_days=start.NEW_DAYS)

    cached = cache.blocks("main/index.html", ("needs", "networks"),
                          (current_user.id, clock.today().isoformat(), since.isoformat()),
                          cache.ALL_SCOPES, context)
    failed, failed_count = (start.failed_mail() if is_secretariat(current_user)
                            else (None, 0))
    return render("main/index.html", cached=cached, failed_mail=failed,
                  failed_mail_count=failed_count)


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
