"""What needs us now: the board of responses across networks, and registering a referral
for any network from it."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import cache, clock
from intranet.authz import authorize
from intranet.consultations import review
from intranet.consultations import services as svc
from intranet.consultations.forms import RegisterReferralForm
from intranet.consultations.routes import registered_message, submit_registration
from intranet.consultations.services import open_comment_counts
from intranet.forms_flow import RuleError, form_status
from intranet.htmx import render
from intranet.org.services import active_networks, municipality_count
from intranet.reviews import bp
from intranet.urls import db_int


def _page() -> int:
    try:
        return max(db_int(request.args.get("sida", 1)), 1)
    except (TypeError, ValueError):
        return 1


@bp.get("/")
def board():
    authorize(current_user, "view_review_board")
    stage = request.args.get("steg", "")
    if stage not in review.BOARD_ORDER:
        stage = ""
    page = _page() if stage else 1

    def context() -> dict:
        groups = review.board(stage, page)
        ids = [r.id for g in groups for r in g.responses]
        return dict(groups=groups, stage=stage, page=page, stages=review.BOARD_ORDER,
                    limit=review.BOARD_LIMIT, today=clock.today(),
                    stated=review.stated_counts(ids), open_counts=open_comment_counts(ids),
                    municipality_count=municipality_count())

    # The same board for everyone who may see it: a cached fragment until a response, a
    # network or a municipality changes.
    cached = cache.blocks("reviews/board.html", ("board",), (stage, page),
                          ("consultations", "org"), context)
    return render("reviews/board.html", cached=cached)


@bp.route("/registrera", methods=["GET", "POST"])
def register():
    """The secretariat registers a referral for the network that is to answer it (chosen in
    the form); the network's convener and members are mailed, and it waits on their start
    page until the network decides how the municipalities answer."""
    authorize(current_user, "register_referral")
    networks = active_networks()
    form = RegisterReferralForm(networks=networks)

    def network():
        chosen = next((n for n in networks if n.id == form.network_id.data), None)
        if chosen is None:
            raise RuleError(_("Välj ett av nätverken i listan."), "network_id")
        return chosen

    def details() -> svc.Details:
        return svc.Details(
            title=form.title.data or "", referring_body=form.referring_body.data or "",
            reference_number=form.reference_number.data or "",
            received_on=form.received_on.data, deadline=form.deadline.data,
            referral_links=form.referral_links.data or "",
            case_numbers={m.id: request.form.get(f"case_{m.id}", "")
                          for m in svc.municipalities()})

    done, duplicates = submit_registration(form, network, details)
    if done:
        response = done.result.response
        flash(registered_message(done.result, _("Remissen är registrerad för %(network)s.",
                                                network=response.network.name)), "success")
        return redirect(url_for("consultations.show", slug=response.network.slug,
                                response_id=response.id), 303)
    return render("consultations/register.html", status=form_status(), form=form,
                  duplicates=duplicates, municipalities=svc.municipalities(),
                  case_numbers={k: v for k, v in request.form.items()
                                if k.startswith("case_")})
