"""What needs us now: the board of responses across networks."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from intranet import cache, clock
from intranet.authz import authorize
from intranet.consultations import review
from intranet.consultations.services import open_comment_counts
from intranet.htmx import render
from intranet.org.services import municipality_count
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
    cached = cache.blocks("reviews/board.html", ("content",), (stage, page),
                          ("consultations", "org"), context)
    return render("reviews/board.html", cached=cached)
