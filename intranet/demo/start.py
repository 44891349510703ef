"""Demo data for the start page: on a demo account's first login (what is new then counts 14
days back) each role finds something in its blocks, dated from the day the seed runs.

- Ahmed Karimi (member of SUP): Sara Ekholm has since added to the section of the SUP draft he
  wrote (his reply from Sara and the network's new documents come from the other demos), and
  one of SUP's action rows is due in ten days.
- Sara Ekholm (convener of SUP): a SUP member's term, Salem's, ends in nine days.
- Mikael Nyström (director, Botkyrka): Botkyrka has no member in Ekonomi (the seed's
  coverage), and Botkyrka's member of SNUG has a term ending in thirteen days.
- Elin Strand (the secretariat): the reminder to Salem's member of SUP could not be sent: the
  mail server refused the connection.

Runs after the other demos (it builds on their rows); running it again adds nothing. The
services are imported where they are used: this module's constants can be imported (by the
browser tests) before the app has loaded every model."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from intranet import clock
from intranet.actions.models import ActionItem
from intranet.consultations.demo import SUP_TITLE
from intranet.consultations.models import ConsultationResponse, SectionRevision
from intranet.extensions import db
from intranet.org.models import Appointment, Municipality, Network, Person
from intranet.urls import external_url

CONVENER = "sara.ekholm@huddinge.example"
MEMBER = "ahmed.karimi@botkyrka.example"
# The section of the SUP draft the member wrote, and what the convener added to it.
CHANGED_SECTION = "Synpunkter: Kapitel 4 Stomnät"
ADDED_LINE = "- Stomlinjerna behöver egna körfält genom kommuncentrumen."
# The SUP action row due soon, and how soon.
DUE_ACTIVITY = "Transportinfrastrukturplaneringen"
DUE_IN_DAYS = 10
# Terms ending soon: (network, municipality, days from the seed's day).
TERMS_ENDING = (("SUP", "Salem", 9), ("SNUG", "Botkyrka", 13))
TERM_END_REASON = "Mandattiden löper ut"
# The mail the secretariat sees as not sent: the reminder to the first term's member.
MAIL_ERROR = "ConnectionRefusedError: [Errno 111] Connection refused"
MAIL_ATTEMPTS = 3


def _person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email))


def _network(short: str) -> Network | None:
    return db.session.scalar(select(Network).where(Network.short_name == short))


def seed_start_page() -> None:
    today = clock.today()
    convener, member = _person(CONVENER), _person(MEMBER)
    sup = _network("SUP")
    if None in (convener, member, sup):
        return
    _change_members_section(sup, convener, member)
    _action_due_soon(sup, convener, today)
    ending = [_term_ending(short, municipality, today + timedelta(days=days))
              for short, municipality, days in TERMS_ENDING]
    if ending[0] is not None:
        _reminder_not_sent(ending[0])
    db.session.flush()


def _change_members_section(sup: Network, convener: Person, member: Person) -> None:
    """The convener adds a line to the section of the SUP draft that the member wrote last."""
    from intranet.consultations import services as consultations

    response = db.session.scalar(select(ConsultationResponse).where(
        ConsultationResponse.network_id == sup.id, ConsultationResponse.title == SUP_TITLE))
    if response is None:
        return
    section = next((s for s in response.live_sections if s.title == CHANGED_SECTION), None)
    if section is None:
        return
    newest = db.session.scalar(
        select(SectionRevision).where(SectionRevision.section_id == section.id)
        .order_by(SectionRevision.number.desc()).limit(1))
    if newest is None or newest.created_by_id != member.id:
        return  # changed already (or not the member's text)
    consultations.save_section(section, convener, expected_version=section.lock_version,
                               title=section.title, body=f"{section.body}\n{ADDED_LINE}")


def _action_due_soon(sup: Network, convener: Person, today) -> None:
    """SUP's ongoing row on the national plan gets a checkpoint DUE_IN_DAYS from today."""
    from intranet.actions.services import update_item

    item = db.session.scalar(select(ActionItem).where(
        ActionItem.network_id == sup.id, ActionItem.deleted_at.is_(None),
        ActionItem.activity.startswith(DUE_ACTIVITY)))
    if item is None or item.due_date is not None:
        return
    update_item(item, convener, item.version,
                {"due_date": today + timedelta(days=DUE_IN_DAYS)})


def _term_ending(short: str, municipality_name: str, to_date) -> Appointment | None:
    """The current member's term for the municipality in the network ends on `to_date`; the
    appointment, when it was set here now (None when there is none, or it was set before)."""
    network = _network(short)
    municipality = db.session.scalar(
        select(Municipality).where(Municipality.name == municipality_name))
    if network is None or municipality is None:
        return None
    appointment = db.session.scalar(
        select(Appointment).where(Appointment.network_id == network.id,
                                  Appointment.municipality_id == municipality.id,
                                  Appointment.to_date.is_(None), Appointment.end_reason == "")
        .order_by(Appointment.id).limit(1))
    if appointment is None:
        return None
    appointment.to_date = to_date
    appointment.end_reason = TERM_END_REASON
    return appointment


def _reminder_not_sent(appointment: Appointment) -> None:
    """The term reminder to the member, queued as `flask send-term-reminders` does, whose
    attempts failed: the mail server did not answer."""
    from intranet.notifications.services import queue, retry_delay

    with current_app.test_request_context():
        mail = queue(appointment.person, "appointment_term_reminder", appointment=appointment,
                     is_appointee=True,
                     link=external_url("networks.show", slug=appointment.network.slug))
    now = clock.utcnow()
    mail.created_at = now - timedelta(hours=2)
    mail.attempts = MAIL_ATTEMPTS
    mail.last_error = MAIL_ERROR
    mail.next_attempt_at = now + retry_delay(MAIL_ATTEMPTS)
    appointment.term_notice_sent_at = mail.created_at

