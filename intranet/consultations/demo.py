"""Demo consultation responses: a joint answer from SUP to Region Stockholm's
Kollektivtrafikplan 2050, written from the template, with a comment thread and a saved
version taken before the last change, and a new referral in Klimat waiting for the triage
choice. Running it again adds nothing that is already there."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from intranet import clock
from intranet.consultations import services
from intranet.consultations.models import ConsultationResponse, ResponseStatus
from intranet.extensions import db
from intranet.org.models import Municipality, Network, Person

SUP_TITLE = "Kollektivtrafikplan 2050"
KLIMAT_TITLE = "Regional klimatfärdplan för Stockholms län"

SUP_TEXT = {
    "Sammanfattning": (
        "Södertörns kommuner välkomnar Region Stockholms förslag till kollektivtrafikplan. "
        "Kommunerna delar målet att kollektivtrafikens andel av resorna ska öka, men saknar "
        "en tydlig plan för **tvärförbindelser** mellan Södertörns kommuner."
    ),
    "Synpunkter: Kapitel 4 Stomnät": (
        "- Stombussnätet behöver förlängas till Haninge centrum och Tyresö.\n"
        "- Spårväg syd bör pekas ut som en prioriterad åtgärd före 2035."
    ),
    "Synpunkter: Kapitel 6 Genomförande": (
        "Kommunerna vill delta tidigt i planeringen av nya bytespunkter och bidrar gärna med "
        "underlag om bostadsbyggandet."
    ),
    "Övrigt": "Kontaktperson för svaret är nätverkets sammankallande.",
}


def _person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email))


def _exists(network: Network, title: str) -> bool:
    return db.session.scalar(select(ConsultationResponse.id).where(
        ConsultationResponse.network_id == network.id,
        ConsultationResponse.title == title)) is not None


def seed_consultations() -> None:
    today = clock.today()
    sup = db.session.scalar(select(Network).where(Network.short_name == "SUP"))
    convener = _person("sara.ekholm@huddinge.example")
    member = _person("ahmed.karimi@botkyrka.example")
    director = _person("johan.lindqvist@huddinge.example")
    if None not in (sup, convener, member) and not _exists(sup, SUP_TITLE):
        huddinge = db.session.scalar(select(Municipality).where(Municipality.name == "Huddinge"))
        response = services.create_response(
            sup, convener,
            services.Details(
                title=SUP_TITLE, referring_body="Region Stockholm",
                reference_number="RS 2021-0123", received_on=today - timedelta(days=21),
                deadline=today + timedelta(days=24), contact_person_id=convener.id,
                referral_links="Remissversion https://www.regionstockholm.se/",
                case_numbers={huddinge.id: "KS-2026/0412"} if huddinge else {},
            ),
            answer=ResponseStatus.DRAFT,
            report_parts=["Kapitel 4 Stomnät", "Kapitel 6 Genomförande"],
        )
        for section in response.live_sections:
            author = member if section.title.startswith("Synpunkter") else convener
            services.save_section(section, author, expected_version=section.lock_version,
                                  title=section.title, body=SUP_TEXT.get(section.title, ""))
        summary = response.live_sections[0]
        thread = services.add_comment(summary, member,
                                      "Ska vi nämna Spårväg syd redan i sammanfattningen?")
        services.add_comment(summary, convener, "Ja, en mening räcker. Jag lägger till den.",
                             parent=thread)
        if director is not None:
            services.add_comment(response.live_sections[1], director,
                                 "Bra. Stäm av förlängningen med Tyresö innan mötet.")
        services.save_snapshot(response, convener, "Utkast till nätverksmötet")
        # After the meeting: the summary gets the sentence the thread asked for, so the saved
        # version and the current text differ.
        services.save_section(summary, convener, expected_version=summary.lock_version,
                              title=summary.title,
                              body=summary.body + " Spårväg syd bör byggas före 2035.")

    klimat = db.session.scalar(select(Network).where(Network.short_name == "Klimat"))
    holm = _person("linnea.holm@haninge.example")
    if None not in (klimat, holm) and not _exists(klimat, KLIMAT_TITLE):
        services.create_response(
            klimat, holm,
            services.Details(
                title=KLIMAT_TITLE, referring_body="Länsstyrelsen i Stockholms län",
                reference_number="LST 2026-4711", received_on=today - timedelta(days=3),
                deadline=today + timedelta(days=40), contact_person_id=holm.id,
            ),
        )


NATIONAL_PLAN_TITLE = "Förslag till nationell plan för transportinfrastruktur 2026–2037"
NATIONAL_PLAN_TEXT = {
    "Sammanfattning": (
        "Södertörns kommuner ser positivt på att planen prioriterar underhåll, men anser att "
        "**Tvärförbindelse Södertörn** och kapacitetsbrister på Nynäsbanan måste hanteras "
        "tidigare än föreslaget."
    ),
    "Synpunkter": (
        "- Nynäsbanan behöver dubbelspår hela vägen till Nynäshamn.\n"
        "- Ostlänken måste få en station i Södertälje som ansluter till regionaltåg."
    ),
    "Övrigt": "Kommunerna medverkar gärna i Trafikverkets fortsatta åtgärdsvalsstudier.",
}
CYCLE_TITLE = "Regional cykelplan för Stockholms län"
CYCLE_TEXT = {
    "Sammanfattning": "Kommunerna stöder planen och dess mål om sammanhängande cykelstråk.",
    "Synpunkter": "Regionala cykelstråk genom Södertörn bör byggas ut i samma takt som "
                  "bostadsbyggandet.",
}


def _write_joint(network, author, title, body_by_title, **details):
    response = services.create_response(
        network, author, services.Details(title=title, **details),
        answer=ResponseStatus.DRAFT)
    for section in list(response.live_sections):
        if section.title.startswith("Synpunkter"):
            key = "Synpunkter"
        else:
            key = section.title
        services.save_section(section, author, expected_version=section.lock_version,
                              title=section.title, body=body_by_title.get(key, ""))
    return response


def _happened_on(event, day: date) -> None:
    """A demo step dated back to the day it happened, at ten in the morning in Sweden, so
    that the next step's date can follow it."""
    moment = (datetime.combine(day, time(10), tzinfo=clock.LOCAL_TZ).astimezone(UTC)
              .replace(tzinfo=None))
    event.created_at = moment
    if event.snapshot is not None:
        event.snapshot.created_at = moment
        event.snapshot.name = event.snapshot.name.replace(clock.today().isoformat(),
                                                          day.isoformat())
    db.session.flush()


def seed_review() -> None:
    """Responses further along the review path, so the board and the start pages have
    something to show: Trafikverket's national plan with the committee (six of eight
    positions stated, one with a reservation), and last spring's cycle plan, adopted and
    sent. The mail these steps would send is not news to anyone and is not kept."""
    from flask import current_app

    from intranet.consultations import export, review
    from intranet.consultations.models import Stance
    from intranet.notifications.models import OutgoingMail
    from intranet.org.models import Body, BodyKind, Seat

    today = clock.today()
    sup = db.session.scalar(select(Network).where(Network.short_name == "SUP"))
    convener = _person("sara.ekholm@huddinge.example")
    mg_chair = _person("johan.lindqvist@huddinge.example")
    secretariat = _person("elin.strand@huddinge.example")
    if None in (sup, convener, mg_chair, secretariat):
        return
    with current_app.test_request_context():
        before = db.session.scalar(select(func.max(OutgoingMail.id))) or 0
        if not _exists(sup, NATIONAL_PLAN_TITLE):
            response = _write_joint(
                sup, convener, NATIONAL_PLAN_TITLE, NATIONAL_PLAN_TEXT,
                referring_body="Trafikverket", reference_number="TRV 2026/41226",
                received_on=today - timedelta(days=50), deadline=today + timedelta(days=16),
                contact_person_id=convener.id)
            _happened_on(review.submit_for_review(response, convener),
                         today - timedelta(days=8))
            _happened_on(review.management_decision(response, mg_chair, "forward",
                                                    meeting_on=today - timedelta(days=6)),
                         today - timedelta(days=6))
            seats = db.session.scalars(
                select(Seat).join(Seat.body).where(Body.kind == BodyKind.MANAGEMENT_GROUP,
                                                   Seat.current_on(today))).all()
            seats = sorted(seats, key=lambda s: s.municipality.position)
            for n, seat in enumerate(seats[:6]):
                if seat.municipality.name == "Nynäshamn":
                    review.record_position(
                        response, seat.person, seat.municipality, stance=Stance.RESERVATION,
                        statement="Nynäshamns kommun står bakom yttrandet men anser att "
                                  "dubbelspåret på Nynäsbanan ska vara klart före 2032.",
                        decision_reference=f"KS {today - timedelta(days=15)} § 188")
                else:
                    review.record_position(
                        response, seat.person, seat.municipality, stance=Stance.BEHIND,
                        decision_reference=f"KS {today - timedelta(days=15 - n)} § {140 + n}")
        if not _exists(sup, CYCLE_TITLE):
            response = _write_joint(
                sup, convener, CYCLE_TITLE, CYCLE_TEXT, referring_body="Region Stockholm",
                reference_number="RS 2026-0077", received_on=today - timedelta(days=240),
                deadline=today - timedelta(days=150), contact_person_id=convener.id)
            _happened_on(review.submit_for_review(response, convener),
                         today - timedelta(days=200))
            _happened_on(review.management_decision(response, mg_chair, "forward",
                                                    meeting_on=today - timedelta(days=190)),
                         today - timedelta(days=190))
            for seat in db.session.scalars(
                    select(Seat).join(Seat.body).where(Body.kind == BodyKind.MANAGEMENT_GROUP,
                                                       Seat.current_on(today))):
                review.record_position(response, seat.person, seat.municipality,
                                       stance=Stance.BEHIND)
            chair = review.committee_chair()
            _happened_on(review.committee_decision(
                response, chair or secretariat, "adopt", meeting_on=today - timedelta(days=160),
                presenter_name=convener.name, presenter_title=convener.title),
                today - timedelta(days=160))
            _happened_on(review.mark_sent(
                response, secretariat, sent_on=today - timedelta(days=155),
                sent_to="Region Stockholm, registrator",
                keep_letter=lambda: export.keep_letter(response, secretariat,
                                                       sent_on=today - timedelta(days=155))),
                today - timedelta(days=155))
        db.session.execute(delete(OutgoingMail).where(OutgoingMail.id > before))
        db.session.commit()
