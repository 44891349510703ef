from flask_login import current_user

from intranet import cache
from intranet.authz import authorize
from intranet.extensions import db
from intranet.htmx import render
from intranet.org import bp
from intranet.org.models import Person
from intranet.org.services import appointments_of, body_rosters, seats_of


@bp.get("/")
def bodies():
    """The committee, the management group and the secretariat, seat by seat."""
    authorize(current_user, "view_bodies")
    return render("org/bodies.html", rosters=body_rosters())


@bp.get("/personer/<int:person_id>")
def person(person_id: int):
    """A person: their seats, and their current and past appointments; the same for everyone
    who may see it, a cached fragment until the organisation's data changes."""
    cache.versions()  # before the person the fragment shows
    person = db.get_or_404(Person, person_id)
    authorize(current_user, "view_person", person)

    def context() -> dict:
        current, past = appointments_of(person)
        return dict(person=person, seats=seats_of(person), current=current, past=past)

    cached = cache.blocks("org/person.html", ("content",), (person.id,), ("org",), context)
    return render("org/person.html", person=person, cached=cached)
