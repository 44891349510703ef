"""Where a list is filtered in the database, the policy (intranet/authz.py) writes the SQL
condition beside the rule in Python. For every role, on data that holds every case (every
status, both visibilities, deleted and archived, positions stated by none, some and all of
a person's municipalities), the two must pick the same rows."""

from datetime import date

import pytest
from sqlalchemy import select

from intranet import authz, clock
from intranet.consultations import review
from intranet.consultations.models import ConsultationResponse, MunicipalPosition, Stance
from intranet.documents.models import Document, DocumentKind
from intranet.extensions import db
from intranet.org.models import Body, BodyKind, Municipality, Network, Person
from intranet.states import Visibility
from tests.conftest import ROLES, build_world, make_person, make_seat

# The world's roles, and someone with seats for two municipalities (director for one,
# committee member for the other), whose positions can be stated in part.
PEOPLE = (*ROLES, "two_seats")


@pytest.fixture
def data(app):
    with app.app_context():
        ids = build_world()
        alpha, beta = db.session.get(Municipality, ids.alpha), db.session.get(Municipality,
                                                                              ids.beta)
        bodies = {b.kind: b for b in db.session.scalars(select(Body))}
        two = make_person("Tove Tvåsits", alpha, "Kommundirektör")
        make_seat(bodies[BodyKind.MANAGEMENT_GROUP], two, alpha)
        make_seat(bodies[BodyKind.COMMITTEE], two, beta)
        archived = Network(name="Nedlagda nätverket", short_name="NED", slug="ned",
                           archived_at=clock.utcnow())
        db.session.add(archived)
        networks = [db.session.get(Network, ids.network),
                    db.session.get(Network, ids.other_network), archived]
        stated_by = ([], [alpha], [beta], [alpha, beta])
        for network in networks:
            for status in review.S:
                for municipalities in stated_by:
                    response = ConsultationResponse(
                        network=network, title=f"{status} {len(municipalities)}",
                        referring_body="Regionen", status=status, deadline=date(2027, 1, 1))
                    db.session.add(response)
                    for municipality in municipalities:
                        db.session.add(MunicipalPosition(
                            response=response, municipality=municipality,
                            stance=Stance.BEHIND))
            for visibility in Visibility:
                for deleted in (None, clock.utcnow()):
                    db.session.add(Document(network=network, kind=DocumentKind.PAGE,
                                            title=f"{visibility} {deleted}",
                                            visibility=visibility, deleted_at=deleted))
        db.session.commit()
        ids.two_seats = two.id
        yield ids
        db.session.remove()


def _person(ids, role: str) -> Person | None:
    return None if role == "anonymous" else db.session.get(Person, getattr(ids, role))


@pytest.mark.parametrize("role", PEOPLE)
def test_the_documents_a_person_may_view_are_the_same_in_sql_and_in_python(data, role):
    person = _person(data, role)
    for network in db.session.scalars(select(Network)):
        documents = list(db.session.scalars(select(Document)
                                            .where(Document.network_id == network.id)))
        in_sql = set(db.session.scalars(select(Document.id).where(
            Document.network_id == network.id,
            authz.documents_condition(person, network, visibility=Document.visibility,
                                      deleted_at=Document.deleted_at))))
        in_python = {d.id for d in documents if authz.may(person, "view_document", d)}
        assert in_sql == in_python, network.slug


@pytest.mark.parametrize("role", PEOPLE)
def test_what_waits_for_a_person_is_the_same_in_sql_and_in_python(data, role):
    person = _person(data, role)
    duties = authz.duties(person)
    R = ConsultationResponse
    responses = list(db.session.scalars(select(R)))
    for duty in duties:
        stated = R.id.in_(review._all_stated(duty.municipalities))
        in_sql = set(db.session.scalars(
            select(R.id).where(duty.condition(R.status, R.network_id, stated))))
        in_python = set()
        for r in responses:
            said = {p.municipality_id for p in r.positions}
            if duty.holds(r.status, r.network_id, bool(duty.municipalities) and
                          duty.municipalities <= said):
                in_python.add(r.id)
        assert in_sql == in_python, duty.kind
        assert in_sql, duty.kind  # the data holds a case of every duty


# The duties that are a step of the review path wait exactly where the policy allows the
# step (in the networks that are not archived: the start page leaves the others out).
STEPS = {"management_decision": "decide_management", "committee_decision": "decide_committee",
         "send": "mark_sent"}


@pytest.mark.parametrize("role", PEOPLE)
def test_a_decision_waits_for_exactly_those_the_policy_lets_record_it(data, role):
    person = _person(data, role)
    kinds = {duty.kind: duty for duty in authz.duties(person)}
    active = list(db.session.scalars(select(ConsultationResponse).join(Network).where(
        Network.active())))
    for kind, action in STEPS.items():
        allowed = {r.id for r in active if authz.may(person, action, r)}
        duty = kinds.get(kind)
        waiting = {r.id for r in active if duty and duty.holds(r.status, r.network_id, False)}
        assert waiting == allowed, kind


def test_each_role_is_waited_for_as_before(data):
    # The duties of the world's roles, as the start page named them before the policy
    # owned them.
    kinds = {role: [d.kind for d in authz.duties(_person(data, role))] for role in PEOPLE}
    assert kinds == {
        "anonymous": [],
        "member": ["returned", "draft"],
        "other_member": ["returned", "draft"],
        "convener": ["returned", "triage", "draft"],
        "director": ["management_decision", "position", "management_review"],
        "other_director": ["position", "management_review"],
        "committee": ["committee_decision", "position", "committee_review"],
        "secretariat": ["management_decision", "committee_decision", "send"],
        "two_seats": ["position", "management_review", "committee_review"],
    }
    two = authz.duties(_person(data, "two_seats"))[0]
    assert two.municipalities == {data.alpha, data.beta}
