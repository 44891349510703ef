"""Demo consultation responses: a joint answer from SUP to Region Stockholm's
Kollektivtrafikplan 2050, written from the template, with a comment thread and a saved
version taken before the last change, and a new referral in Klimat waiting for the triage
choice. Running it again adds nothing that is already there."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet import clock
from intranet.consultations import services
from intranet.consultations.models import ConsultationResponse, ResponseStatus
from intranet.extensions import db
from intranet.org.models import Municipality, Network, Person

SUP_TITLE = "Kollektivtrafikplan 2050"
KLIMAT_TITLE = "Remiss: Regional klimatfärdplan för Stockholms län"

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
