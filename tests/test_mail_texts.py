"""Every mail template, rendered with demo-like data in Swedish and in English for each case it
is sent in: the first line a subject, a greeting, no placeholder or untranslated word left,
and the Swedish wording as it was read through. A template added without a case here fails."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest

from intranet.config import ROOT
from intranet.consultations.models import ConsultationResponse, ResponseStatus, ReviewEvent
from intranet.consultations.review import STAGE_NAMES
from intranet.notifications.services import compose
from intranet.org.models import Appointment, Municipality, Network, Person

MAIL_DIR = ROOT / "templates" / "mail"
LINK = "https://samverkan.example.se/natverk/sup"


def demo() -> SimpleNamespace:
    """Invented people and things like the demo's, never stored."""
    huddinge, botkyrka = Municipality(name="Huddinge"), Municipality(name="Botkyrka")
    sup = Network(name="Nätverket för planeringschefer", short_name="SUP", slug="sup")

    def person(name, municipality, title):
        email = name.lower().replace(" ", ".").replace("ö", "o") + "@example.se"
        return Person(name=name, email=email, title=title, municipality=municipality)

    d = SimpleNamespace(
        sup=sup,
        ahmed=person("Ahmed Karimi", botkyrka, "Planeringschef"),
        sara=person("Sara Ekholm", huddinge, "Planeringschef"),
        mikael=person("Mikael Nyström", botkyrka, "Kommundirektör"),
        johan=person("Johan Lindqvist", huddinge, "Kommundirektör"),
        elin=person("Elin Strand", huddinge, "Strateg"),
        karin=person("Karin Berglund", None, "Kommunstyrelsens ordförande"),
    )
    d.appointment = Appointment(person=d.ahmed, network=sup, municipality=botkyrka,
                                from_date=date(2026, 3, 2), to_date=date(2026, 12, 3),
                                end_reason="Ny tjänst i en annan kommun")
    d.open_ended = Appointment(person=d.ahmed, network=sup, municipality=botkyrka,
                               from_date=date(2026, 3, 2))
    d.response = ConsultationResponse(title="Regional utvecklingsplan 2050",
                                      referring_body="Region Stockholm",
                                      deadline=date(2027, 1, 15), network=sup)
    d.undated = ConsultationResponse(title="Cykelstrategi för Stockholms län",
                                     referring_body="Trafikverket", network=sup)
    d.klimat = Network(name="Klimatnätverket", short_name="Klimat", slug="klimat")

    def referral(status, **fields):
        return ConsultationResponse(title="Regional utvecklingsplan 2050",
                                    referring_body="Region Stockholm", network=sup,
                                    status=status, **fields)

    # Registered for the network: waiting for its decision, or with the decision made.
    d.referral = referral(ResponseStatus.TRIAGE, reference_number="RS 2026-0412",
                          deadline=date(2027, 1, 15))
    d.joint = referral(ResponseStatus.DRAFT)
    d.individual = referral(ResponseStatus.INDIVIDUAL, deadline=date(2027, 1, 15))
    d.declined = referral(ResponseStatus.NOT_ANSWERING)
    d.returned = ReviewEvent(meeting_on=date(2026, 11, 20),
                             reason="Avsnittet om kollektivtrafiken behöver bearbetas.")
    d.adopted = ReviewEvent(meeting_on=date(2026, 11, 20))
    d.sent = ReviewEvent(sent_on=date(2026, 11, 25), sent_to="Region Stockholm, registrator")
    d.words = [d.sup.name, "Huddinge", "Botkyrka", d.appointment.end_reason,
               d.response.title, d.undated.title, d.response.referring_body,
               d.undated.referring_body, d.returned.reason, d.sent.sent_to, d.klimat.name,
               d.referral.reference_number,
               "Knappen Spara går inte att nå med tangentbordet.",
               *(p.name for p in (d.ahmed, d.sara, d.mikael, d.johan, d.elin, d.karin))]
    return d


def cases(d) -> dict[str, list[tuple[str, Person, dict, list[str]]]]:
    """template → its cases: (case, recipient, context, what the Swedish text says, the
    subject first)."""
    appointment = dict(appointment=d.appointment, actor=d.mikael, link=LINK)
    review = dict(response=d.response, link=LINK)
    return {
        "accessibility_report": [
            ("from someone logged in", d.elin, dict(
                reporter=d.ahmed, message="Knappen Spara går inte att nå med tangentbordet.",
                page="/natverk/sup/dokument/", contact=d.ahmed.email), [
                "Rapport om tillgänglighet i Samverkansytan",
                f"Ahmed Karimi ({d.ahmed.email}) har rapporterat ett tillgänglighetsproblem:",
                "Sida: /natverk/sup/dokument/"]),
            ("from someone not logged in", d.elin, dict(
                reporter=None, message="Knappen Spara går inte att nå med tangentbordet.",
                page="", contact=""), [
                "Rapport om tillgänglighet i Samverkansytan",
                "Någon som inte var inloggad har rapporterat ett tillgänglighetsproblem:"]),
        ],
        "appointment_appointed": [
            ("to the person", d.ahmed, {**appointment, "is_appointee": True}, [
                "Du är utsedd till Nätverket för planeringschefer",
                "Mikael Nyström har utsett dig att representera Botkyrka i Nätverket för "
                "planeringschefer från och med den 2 mars 2026.",
                "Uppdraget upphör den 3 december 2026."]),
            ("to the convener, with no end", d.sara, {
                **appointment, "appointment": d.open_ended, "is_appointee": False}, [
                "Ny ledamot i Nätverket för planeringschefer: Ahmed Karimi",
                "Mikael Nyström har utsett Ahmed Karimi att representera Botkyrka i Nätverket "
                "för planeringschefer från och med den 2 mars 2026."]),
        ],
        "appointment_ended": [
            ("to the person, with the reason", d.ahmed, {
                **appointment, "is_appointee": True, "show_reason": True}, [
                "Ditt uppdrag i Nätverket för planeringschefer har upphört",
                "Mikael Nyström har avslutat ditt uppdrag i Nätverket för planeringschefer "
                "från och med den 3 december 2026.",
                "Anledning: Ny tjänst i en annan kommun"]),
            ("to the convener", d.sara, {
                **appointment, "is_appointee": False, "show_reason": False}, [
                "Uppdraget för Ahmed Karimi i Nätverket för planeringschefer har upphört",
                "Mikael Nyström har avslutat uppdraget för Ahmed Karimi (Botkyrka) i Nätverket "
                "för planeringschefer från och med den 3 december 2026."]),
        ],
        "appointment_term_set": [
            ("to the person, with the reason", d.ahmed, {
                **appointment, "is_appointee": True, "show_reason": True}, [
                "Slutdatum för ditt uppdrag i Nätverket för planeringschefer",
                "Mikael Nyström har bestämt att ditt uppdrag i Nätverket för planeringschefer "
                "upphör den 3 december 2026. Fram till dess arbetar du i nätverket som vanligt.",
                "Anledning: Ny tjänst i en annan kommun"]),
            ("to the convener", d.sara, {
                **appointment, "is_appointee": False, "show_reason": False}, [
                "Slutdatum för ett uppdrag i Nätverket för planeringschefer: Ahmed Karimi",
                "Mikael Nyström har bestämt att uppdraget för Ahmed Karimi (Botkyrka) i "
                "Nätverket för planeringschefer upphör den 3 december 2026."]),
        ],
        "appointment_term_reminder": [
            ("to the person", d.ahmed, dict(appointment=d.appointment, is_appointee=True,
                                            link=LINK), [
                "Ditt uppdrag i Nätverket för planeringschefer upphör den 3 december 2026",
                "Ditt uppdrag för Botkyrka i Nätverket för planeringschefer upphör den "
                "3 december 2026. Därefter har du inte längre åtkomst till nätverket."]),
            ("to the director", d.mikael, dict(
                appointment=d.appointment, is_appointee=False,
                link="https://samverkan.example.se/representation/2"), [
                "Uppdraget för Ahmed Karimi i Nätverket för planeringschefer upphör den "
                "3 december 2026",
                "Uppdraget för Ahmed Karimi (Botkyrka) i Nätverket för planeringschefer upphör "
                "den 3 december 2026. Ska kommunen vara representerad i nätverket även "
                "därefter? Utse då en efterträdare eller förläng uppdraget i Samverkansytan."]),
        ],
        "consultation_to_management": [
            ("to a director", d.johan, {**review, "actor": d.sara}, [
                "Remissvar att granska: Regional utvecklingsplan 2050",
                "Sara Ekholm har skickat svaret på remissen ”Regional utvecklingsplan 2050” "
                "från Region Stockholm till ledningsgruppen för granskning. Svaret har tagits "
                "fram av Nätverket för planeringschefer.",
                "Sista svarsdag är den 15 januari 2027.",
                "Läs svaret, kommentera det och ange din kommuns ställningstagande. "
                "Ledningsgruppens ordförande eller kansliet registrerar gruppens beslut."]),
            ("without a deadline", d.johan, {**review, "response": d.undated,
                                             "actor": d.sara}, [
                "Remissvar att granska: Cykelstrategi för Stockholms län"]),
        ],
        "consultation_to_committee": [
            ("to a committee member", d.karin, {**review, "actor": d.johan}, [
                "Remissvar till samarbetskommittén: Regional utvecklingsplan 2050",
                "Ledningsgruppen har skickat svaret på remissen ”Regional utvecklingsplan 2050” "
                "från Region Stockholm vidare till samarbetskommittén (registrerat av Johan "
                "Lindqvist). Svaret har tagits fram av Nätverket för planeringschefer.",
                "Läs svaret, kommentera det och ange din kommuns ställningstagande. Kommitténs "
                "ordförande, vice ordförande eller kansliet registrerar kommitténs beslut."]),
        ],
        "consultation_returned": [
            ("by the management group", d.sara, {
                **review, "actor": d.johan, "event": d.returned,
                "stage": STAGE_NAMES[ResponseStatus.MANAGEMENT_REVIEW]}, [
                "Återremitterat: Regional utvecklingsplan 2050",
                "Ledningsgruppen har skickat tillbaka svaret på remissen ”Regional "
                "utvecklingsplan 2050” till nätverket (registrerat av Johan Lindqvist).",
                "Motivering:\nAvsnittet om kollektivtrafiken behöver bearbetas."]),
            ("by the committee", d.sara, {
                **review, "response": d.undated, "actor": d.elin, "event": d.returned,
                "stage": STAGE_NAMES[ResponseStatus.COMMITTEE_REVIEW]}, [
                "Återremitterat: Cykelstrategi för Stockholms län",
                "Samarbetskommittén har skickat tillbaka svaret på remissen ”Cykelstrategi "
                "för Stockholms län” till nätverket (registrerat av Elin Strand)."]),
        ],
        "consultation_adopted": [
            ("to the secretariat", d.elin, {**review, "actor": d.karin, "event": d.adopted}, [
                "Antaget remissvar att skicka: Regional utvecklingsplan 2050",
                "Samarbetskommittén antog svaret på remissen ”Regional utvecklingsplan 2050” "
                "den 20 november 2026 (registrerat av Karin Berglund).",
                "Skicka yttrandet till Region Stockholm och registrera i Samverkansytan att "
                "det är skickat."]),
            ("to the secretariat, adopted with changes", d.elin,
             {**review, "actor": d.karin, "event": d.adopted, "with_changes": True}, [
                 "Antaget remissvar att skicka: Regional utvecklingsplan 2050",
                 "Samarbetskommittén antog svaret på remissen ”Regional utvecklingsplan 2050” "
                 "med ändringar den 20 november 2026 (registrerat av Karin Berglund). "
                 "Ändringarna syns under ”Visa kommitténs ändringar” på remissvarets sida."]),
        ],
        "consultation_positions_complete": [
            ("to the committee's chair", d.karin, {**review, "actor": d.johan}, [
                "Alla kommuner har tagit ställning: Regional utvecklingsplan 2050",
                "Alla kommuner har nu tagit ställning till svaret på remissen ”Regional "
                "utvecklingsplan 2050”. Samarbetskommittén kan anta svaret."]),
        ],
        "consultation_sent": [
            ("to a member", d.ahmed, {**review, "actor": d.elin, "event": d.sent}, [
                "Skickat: Regional utvecklingsplan 2050",
                "Kommunernas gemensamma svar på remissen ”Regional utvecklingsplan 2050” "
                "skickades den 25 november 2026 till Region Stockholm, registrator.",
                "Yttrandet finns bland nätverkets dokument."]),
        ],
        "consultation_registered": [
            ("by the secretariat, for the network to decide", d.sara, {
                **review, "response": d.referral, "actor": d.elin, "by_secretariat": True}, [
                "Ny remiss för Nätverket för planeringschefer: Regional utvecklingsplan 2050",
                "Kansliet har registrerat en ny remiss för Nätverket för planeringschefer: "
                "”Regional utvecklingsplan 2050” från Region Stockholm (registrerad av Elin "
                "Strand).\nRemissinstansens diarienummer: RS 2026-0412.\nSista svarsdag är "
                "den 15 januari 2027.\n\nNätverket ska nu bestämma om kommunerna svarar "
                "gemensamt, var för sig eller inte alls. Beslutet registreras på remissens "
                "sida."]),
            ("as a joint answer, without a deadline", d.ahmed, {
                **review, "response": d.joint, "actor": d.elin, "by_secretariat": True}, [
                "Ny remiss för Nätverket för planeringschefer: Regional utvecklingsplan 2050",
                "(registrerad av Elin Strand).\n\nKommunerna svarar gemensamt. Svaret skrivs "
                "i Samverkansytan och börjar från mallen för ett yttrande."]),
            ("answered by each municipality", d.ahmed, {
                **review, "response": d.individual, "actor": d.elin, "by_secretariat": True}, [
                "Ny remiss för Nätverket för planeringschefer: Regional utvecklingsplan 2050",
                "Varje kommun svarar själv på remissen; Samverkansytan följer bara upp den."]),
            ("not answered", d.ahmed, {
                **review, "response": d.declined, "actor": d.elin, "by_secretariat": True}, [
                "Ny remiss för Nätverket för planeringschefer: Regional utvecklingsplan 2050",
                "Kommunerna svarar inte på remissen."]),
            ("by someone outside the secretariat", d.sara, {
                **review, "response": d.referral, "actor": d.mikael,
                "by_secretariat": False}, [
                "Ny remiss för Nätverket för planeringschefer: Regional utvecklingsplan 2050",
                "Mikael Nyström har registrerat en ny remiss för Nätverket för "
                "planeringschefer: ”Regional utvecklingsplan 2050” från Region Stockholm."]),
        ],
        "consultation_moved": [
            ("by the secretariat", d.sara, {
                **review, "response": d.referral, "actor": d.elin, "by_secretariat": True,
                "old_network": d.klimat}, [
                "Remiss flyttad till Nätverket för planeringschefer: Regional utvecklingsplan "
                "2050",
                "Kansliet har flyttat remissen ”Regional utvecklingsplan 2050” från Region "
                "Stockholm till Nätverket för planeringschefer (flyttad av Elin Strand). Den "
                "var först registrerad för Klimatnätverket.",
                "Nätverket ska nu bestämma om kommunerna svarar gemensamt, var för sig eller "
                "inte alls."]),
            ("by someone outside the secretariat", d.ahmed, {
                **review, "response": d.joint, "actor": d.mikael, "by_secretariat": False,
                "old_network": d.klimat}, [
                "Remiss flyttad till Nätverket för planeringschefer: Regional utvecklingsplan "
                "2050",
                "Mikael Nyström har flyttat remissen ”Regional utvecklingsplan 2050” från "
                "Region Stockholm till Nätverket för planeringschefer. Den var först "
                "registrerad för Klimatnätverket."]),
        ],
        "consultation_moved_away": [
            ("by the secretariat, to one who may not read it there", d.sara, {
                **review, "response": d.referral, "actor": d.elin, "by_secretariat": True,
                "old_network": d.klimat, "link": None}, [
                "Remiss flyttad från Klimatnätverket: Regional utvecklingsplan 2050",
                "Kansliet har flyttat remissen ”Regional utvecklingsplan 2050” från Region "
                "Stockholm till Nätverket för planeringschefer (flyttad av Elin Strand). Den "
                "hanteras inte längre av Klimatnätverket.\nRemissen finns därför inte längre "
                "bland Klimatnätverkets remissvar, och nätverket behöver inte göra något mer "
                "med den.\n"]),
            ("to one who may read it in the new network", d.johan, {
                **review, "response": d.joint, "actor": d.elin, "by_secretariat": True,
                "old_network": d.klimat}, [
                "Remiss flyttad från Klimatnätverket: Regional utvecklingsplan 2050",
                "Du kan fortfarande läsa den hos Nätverket för planeringschefer:\n" + LINK]),
            ("by someone outside the secretariat", d.ahmed, {
                **review, "response": d.joint, "actor": d.mikael, "by_secretariat": False,
                "old_network": d.klimat, "link": None}, [
                "Remiss flyttad från Klimatnätverket: Regional utvecklingsplan 2050",
                "Mikael Nyström har flyttat remissen ”Regional utvecklingsplan 2050” från "
                "Region Stockholm till Nätverket för planeringschefer. Den hanteras inte "
                "längre av Klimatnätverket."]),
        ],
        "invitation": [
            ("to a new member", d.ahmed, dict(link=LINK, days=7, inviter=d.mikael), [
                "Inbjudan till Samverkansytan",
                "Mikael Nyström har gett dig ett konto i Samverkansytan, arbetsytan för "
                "kommunernas nätverk.",
                "Välj ditt lösenord här (länken gäller i 7 dagar och kan användas en gång):"]),
        ],
        "password_reset": [
            ("to the account's address", d.sara, dict(link=LINK, minutes=60), [
                "Nytt lösenord till Samverkansytan",
                "Har du inte bett om ett nytt lösenord kan du bortse från det här "
                "meddelandet. Ditt lösenord är då oförändrat."]),
        ],
    }


CASES = [(template, case) for template, found in cases(demo()).items()
         for case, *_ in found]


def test_every_mail_template_is_rendered_here():
    templates = {path.stem for path in MAIL_DIR.glob("*.txt")}
    assert set(cases(demo())) == templates


def _render(app, template, case, language):
    d = demo()
    found = {c: (person, context, says) for c, person, context, says in cases(d)[template]}
    person, context, says = found[case]
    person.language = language
    with app.test_request_context():
        subject, body = compose(person, template, **context)
    return d, person, context, says, subject, body


def _without(text: str, words) -> str:
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "")
    return text


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(("template", "case"), CASES)
def test_a_mail_reads_whole(app, template, case, language):
    d, person, context, says, subject, body = _render(app, template, case, language)
    text = f"{subject}\n{body}"
    assert subject and "\n" not in subject and not subject.endswith("."), subject
    greeting = {"sv": "Hej", "en": "Hello"}[language]
    assert body.startswith(f"{greeting} {person.name},\n\n"), body
    for left in ("%(", "%s", "{{", "{%", "}}", "None", "  ", " \n", "\n\n\n", " .", " ,"):
        assert left not in text, (left, text)
    if context.get("link"):
        assert f"\n{context['link']}\n" in body, body
    own_words = _without(text, [*d.words, person.email, context.get("link") or ""])
    if language == "en":
        # Only the data is Swedish: every word of the text itself is translated.
        assert not re.search(r"[åäöÅÄÖ]", own_words), own_words
    else:
        assert not re.search(r"\b(the|and|has|you|your)\b", own_words), own_words


@pytest.mark.parametrize(("template", "case"), CASES)
def test_the_swedish_text_says_what_was_read_through(app, template, case):
    _d, _person, _context, says, subject, body = _render(app, template, case, "sv")
    assert subject == says[0]
    for sentence in says[1:]:
        assert sentence in body, (sentence, body)


def test_the_reason_an_appointment_ended_is_left_out_unless_it_may_be_shown(app):
    d = demo()
    d.sara.language = "sv"
    with app.test_request_context():
        for template in ("appointment_ended", "appointment_term_set"):
            _subject, body = compose(d.sara, template, appointment=d.appointment,
                                     actor=d.mikael, link=LINK, is_appointee=False)
            assert "Anledning" not in body and d.appointment.end_reason not in body
