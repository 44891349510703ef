"""Importing an action plan: the real 2021 plan, files with bad rows, XLSX, empty files, and
the rule that nothing is written until every row is valid and the import is confirmed."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from intranet import clock
from intranet.actions.importer import Programme, normalise, parse_plan, recognise_responsible
from intranet.actions.models import ActionImport, ActionItem
from intranet.audit.models import AuditEvent
from intranet.config import ROOT
from intranet.demo.seed import DEMO_PASSWORD, seed_demo
from intranet.extensions import db
from intranet.org.models import Network
from tests.conftest import Client

REAL_PLAN = ROOT / "intranet" / "demo" / "handlingsplan-2021.csv"
ORGANISATION = ROOT / "intranet" / "demo" / "organisation.json"
ELIN = "elin.strand@huddinge.example"  # the secretariat

INFRA_1 = "Utifrån god framkomlighet och minskad klimatpåverkan från resor och transporter"
INFRA_2 = "Genom att prioriterade infrastrukturprojekt genomförs"
INFRA_3 = "Baserat på en robust teknisk försörjning"
EDU_1 = "Genom tillgänglighet till högre utbildning för hela Södertörn"
EDU_3 = "Genom att Södertörns högskola får universitetsstatus"
BIZ_1 = "Utifrån en stark infrastruktur"
BIZ_3 = "För fler etableringar och växande företag"
COORD_1 = "För bättre verksamhet"
COORD_3 = "Genom öppenhet för samarbeten"
# The real file, line by line (line 1 is the header): focus area and sub-goal.
EXPECTED = (
    [("Infrastruktur", INFRA_1)] * 7
    + [("Infrastruktur", INFRA_2)] * 2
    + [("Infrastruktur", INFRA_3)]
    + [("Utbildning", EDU_1), ("Utbildning", EDU_3)]
    + [("Näringsliv", BIZ_1)] + [("Näringsliv", BIZ_3)] * 2
    + [("Funktionell samordning", COORD_1)] * 5
    + [("Funktionell samordning", COORD_3)] * 2
)


@pytest.fixture
def demo(app):
    with app.app_context():
        seed_demo(ORGANISATION)


@pytest.fixture
def elin(app, demo):
    c = Client(app)
    assert c.login(ELIN, DEMO_PASSWORD).status_code == 303
    return c


def network_id(slug: str) -> int:
    return db.session.scalar(select(Network.id).where(Network.slug == slug))


def count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def upload(client: Client, slug: str, name: str, data: bytes):
    return client.post(f"/natverk/{slug}/handlingsplan/importera",
                       {"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def ticked(page: str) -> list[str]:
    """The row numbers whose boxes a preview page has ticked."""
    return re.findall(r'<input type="checkbox" name="rows" value="(\d+)" id="[^"]+" checked',
                      page)


def confirm(client: Client, response, also=()):
    """Confirm as a browser would: the rows the preview ticked, and `also` ticked in."""
    location = response.headers["Location"]
    assert re.fullmatch(r"(/natverk/[a-z-]+)?/handlingsplan/importera/[\w-]+", location), location
    rows = ticked(client.get(location).get_data(as_text=True))
    return client.post(location + "/bekrafta", {"rows": rows + [str(n) for n in also]})


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the matching rules


def test_texts_compare_without_case_punctuation_or_extra_spaces():
    assert normalise("  Utifrån  god framkomlighet, och minskad.  ") == (
        "utifrån god framkomlighet och minskad")


def stand_in_programme():
    goals = [SimpleNamespace(id=i, text=t) for i, t in enumerate(
        ["För bättre verksamhet", "För ekonomisk effektivitet", "Genom öppenhet för samarbeten"])]
    area = SimpleNamespace(id=1, name="Funktionell samordning", sub_goals=goals)
    return Programme([area]), area, goals


def test_a_sub_goal_matches_with_a_trailing_period_and_other_case():
    programme, area, goals = stand_in_programme()
    match = programme.sub_goal(area, "genom ÖPPENHET för samarbeten.")
    assert match.sub_goal is goals[2] and match.exact and not match.also


def test_a_cell_naming_two_sub_goals_goes_under_the_first_and_says_so():
    programme, area, goals = stand_in_programme()
    match = programme.sub_goal(area, "För bättre verksamhet samt för ekonomisk effektivitet.")
    assert match.sub_goal is goals[0] and match.also == [goals[1]]


def test_an_unknown_sub_goal_is_not_guessed():
    programme, area, _ = stand_in_programme()
    assert programme.sub_goal(area, "Fler bostäder") is None
    assert programme.sub_goal(area, "") is None
    assert programme.focus_area("Bostäder") is None


def test_responsible_text_names_networks_and_municipalities_in_order():
    networks = [SimpleNamespace(id=1, short_name="SUP", name="Nätverket för planeringschefer"),
                SimpleNamespace(id=2, short_name="Klimat", name="Klimatnätverket"),
                SimpleNamespace(id=3, short_name="Kommunikation", name="Kommunikationsnätverket")]
    places = [SimpleNamespace(id=1, name="Huddinge"), SimpleNamespace(id=2, name="Botkyrka")]
    found, where = recognise_responsible(
        "Södertörn, klimatnätverket (laddinfrastruktur), SUP, Huddinge och Botkyrka",
        networks, places)
    assert [n.short_name for n in found] == ["Klimat", "SUP"]
    assert [m.name for m in where] == ["Huddinge", "Botkyrka"]
    found, _ = recognise_responsible("Södertörn, kommunikationsnätverket", networks, places)
    assert [n.short_name for n in found] == ["Kommunikation"]
    assert recognise_responsible("Södertörn", networks, places) == ([], [])


# ---------------------------------------------------------------- the real file


def test_the_real_plan_parses_into_its_22_rows_under_the_right_sub_goals(app, demo):
    with app.app_context():
        from intranet.actions.services import active_networks, municipalities, programme

        plan = parse_plan(REAL_PLAN.name, REAL_PLAN.read_bytes(), programme(),
                          active_networks(), municipalities())
        assert plan.ok, (plan.errors, [(r.line, r.errors) for r in plan.failed_rows])
        assert plan.kind == "csv"
        assert len(plan.rows) == 22
        assert [r.line for r in plan.rows] == list(range(2, 24))
        got = [(r.focus_area.name, r.sub_goal.text) for r in plan.rows]
        assert got == EXPECTED
        # The rows whose cell names two sub-goals say which other one it named.
        notes = {r.line: r.notes for r in plan.rows if r.notes}
        assert "Inriktad mot både näringsliv och kommuner" in notes[12][0]
        assert "Genom samsyn om helheten" in notes[14][0]
        assert all("För ekonomisk effektivitet" in notes[line][0] for line in range(17, 22))


def test_importing_the_real_file_gives_exactly_its_22_rows(app, elin):
    with app.app_context():
        ekonomi = network_id("ekonomi")
        before = count(ActionItem)
    response = upload(elin, "ekonomi", "handlingsplan-2021.csv", REAL_PLAN.read_bytes())
    assert response.status_code == 303
    with app.app_context():
        # The preview writes no action rows: they wait in one pending import.
        assert count(ActionItem) == before
        assert count(ActionImport) == 1
    preview = elin.get(response.headers["Location"])
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Filen handlingsplan-2021.csv har 22 giltiga rader." in body
    assert "Kolumner i filen" in body and "fokusomrade" in body

    done = confirm(elin, response)
    assert done.status_code == 303
    with app.app_context():
        items = list(db.session.scalars(select(ActionItem).where(
            ActionItem.network_id == ekonomi).order_by(ActionItem.position)))
        assert len(items) == 22 and count(ActionItem) == before + 22
        assert [i.position for i in items] == list(range(1, 23))
        assert [(i.sub_goal.focus_area.name, i.sub_goal.text) for i in items] == EXPECTED
        first = items[0]
        assert first.activity.startswith("Transportinfrastrukturplaneringen")
        assert first.responsible == "Södertörn och SUP"
        assert first.time_text == "Löpande"
        assert first.comment.startswith("Bevakning, påverkan")
        assert [n.short_name for n in first.networks] == ["SUP"]
        assert items[15].cost == "Ev mindre kostnader för konsultstöd."
        assert all(i.status == "planerad" and i.version == 1 for i in items)
        assert count(ActionImport) == 0
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "actions_imported"))
        assert event.detail["rows"] == 22


# ---------------------------------------------------------------- files that cannot be imported


def test_a_file_with_bad_rows_shows_each_line_and_reason_and_writes_nothing(app, elin):
    with app.app_context():
        before = count(ActionItem)
    data = (
        "fokusomrade;delmal;aktivitet;status;forfallodatum\n"
        "Infrastruktur;Genom att prioriterade infrastrukturprojekt genomförs.;Giltig rad;;\n"
        "Bostäder;Fler bostäder;Okänt fokusområde;;\n"
        "Infrastruktur;Fler cykelbanor;Okänt delmål;;\n"
        "Infrastruktur;Genom att prioriterade infrastrukturprojekt genomförs.;;;\n"
        "Näringsliv;För fler etableringar och växande företag;Fel status;kanske;\n"
        "Näringsliv;För fler etableringar och växande företag;Fel datum;klar;31/12\n"
    ).encode()
    response = upload(elin, "ekonomi", "fel.csv", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Filen kan inte importeras" in body and "Inget har importerats." in body
    # The sentence is whole, and each row with errors is linked from it.
    assert "5 av 6 rader har fel. Felen står vid varje rad i tabellen nedan." in body
    for line in (3, 4, 5, 6, 7):
        assert f'<a href="#fel-rad-{line}">Rad {line}</a>' in body
        assert f'<tr id="fel-rad-{line}">' in body
    # Where the sub-goal is not found, the focus area's sub-goals to choose from; where the
    # focus area is not, the programme's focus areas.
    unknown_goal = re.search(r'<tr id="fel-rad-4">(.*?)</tr>', body, re.S).group(1)
    assert re.search(r"<details[^>]*><summary>Delmål under Infrastruktur</summary>", unknown_goal)
    assert all(f"<li>{goal}</li>" in unknown_goal for goal in (INFRA_1, INFRA_2, INFRA_3))
    unknown_area = re.search(r'<tr id="fel-rad-3">(.*?)</tr>', body, re.S).group(1)
    assert "<summary>Fokusområden i utvecklingsprogrammet</summary>" in unknown_area
    assert all(f"<li>{area}</li>" in unknown_area for area in (
        "Infrastruktur", "Utbildning", "Näringsliv", "Funktionell samordning"))
    # Rows whose focus area and sub-goal were found list neither.
    assert "<details" not in re.search(r'<tr id="fel-rad-6">(.*?)</tr>', body, re.S).group(1)
    for line, reason in [
        (3, "Fokusområdet ”Bostäder” finns inte i utvecklingsprogrammet."),
        (4, "Delmålet ”Fler cykelbanor” finns inte under Infrastruktur."),
        (5, "Aktivitet saknas."),
        (6, "Okänd status ”kanske”"),
        (7, "Förfallodatumet ”31/12” är inget datum"),
    ]:
        assert re.search(rf"Rad {line}</th>.*?{re.escape(reason)}", body, re.S), (line, reason)
    assert "Rad 2</th>" not in body
    with app.app_context():
        assert count(ActionItem) == before
        assert count(ActionImport) == 0


def test_a_file_wrong_throughout_links_the_table_not_each_row(app, elin):
    data = ("fokusomrade,delmal,aktivitet\n" + "".join(
        f"Infrastruktur,,Aktivitet {i}\n" for i in range(12))).encode()
    body = upload(elin, "ekonomi", "fel.csv", data).get_data(as_text=True)
    assert "12 av 12 rader har fel. Felen står vid varje rad i tabellen nedan." in body
    assert '<a href="#failed-caption">Till raderna med fel</a>' in body
    assert 'href="#fel-rad-' not in body
    # A missing sub-goal under a known focus area lists that area's sub-goals too.
    assert body.count("<summary>Delmål under Infrastruktur</summary>") == 12


def test_a_file_without_the_required_columns_says_which_are_missing(app, elin):
    response = upload(elin, "ekonomi", "plan.csv", b"aktivitet,ansvarig\nNagot,SUP\n")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kolumnen Fokusområde saknas." in body and "Kolumnen Delmål saknas." in body


@pytest.mark.parametrize(("name", "data", "message"), [
    ("tom.csv", b"", "Filen är tom."),
    ("blank.csv", b"\n\n  \n", "Filen är tom."),
    ("rubriker.csv", b"fokusomrade,delmal,aktivitet\n", "Filen har inga rader att importera."),
    ("tom.xlsx", None, "Filen är tom."),
    ("rubriker.xlsx", "header-only", "Filen har inga rader att importera."),
    ("trasig.xlsx", b"inte en zip-fil", "Filen heter .xlsx men är ingen Excel-fil."),
    ("gammal.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "gamla Excel-formatet"),
    ("bild.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "varken en CSV-fil eller en Excel-fil"),
])
def test_empty_and_unreadable_files_are_refused_with_a_reason(app, elin, name, data, message):
    if data is None:
        data = xlsx([])
    elif data == "header-only":
        data = xlsx([["Fokusområde", "Delmål", "Aktivitet"]])
    response = upload(elin, "ekonomi", name, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert count(ActionImport) == 0
        assert count(ActionItem, network_id=network_id("ekonomi")) == 0


def test_no_file_at_all_is_a_form_error(app, elin):
    response = elin.post("/natverk/ekonomi/handlingsplan/importera", {},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Välj en fil att importera." in response.get_data(as_text=True)


# ---------------------------------------------------------------- XLSX and other spellings


def test_an_xlsx_file_is_imported_with_dates_numbers_and_status(app, elin):
    data = xlsx([
        ["Fokusområde", "Delmål", "Aktivitet", "Ansvarig", "Kostnad", "Status",
         "Förfallodatum", "Något annat"],
        ["Utbildning", "Genom att Södertörns högskola får universitetsstatus.",
         "Skrivelse till departementet", "Huddinge, Botkyrka", 25000, "Pågår",
         datetime(2031, 3, 31), "ignoreras"],
        [None, None, None, None, None, None, None, None],  # a blank row in the sheet
        ["funktionell samordning", "genom öppenhet för samarbeten", "Webbplats och samarbetsyta",
         "Kommunikationsnätverket", None, "klar", None, None],
    ])
    response = upload(elin, "ekonomi", "plan.xlsx", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    preview = elin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Något annat" in preview and "Används inte" in preview
    assert confirm(elin, response).status_code == 303
    with app.app_context():
        items = list(db.session.scalars(select(ActionItem).where(
            ActionItem.network_id == network_id("ekonomi")).order_by(ActionItem.position)))
        assert [i.activity for i in items] == ["Skrivelse till departementet",
                                               "Webbplats och samarbetsyta"]
        first, second = items
        assert first.sub_goal.text == EDU_3 and first.cost == "25000"
        assert first.status == "pagar" and first.due_date == date(2031, 3, 31)
        assert [m.name for m in first.municipalities] == ["Botkyrka", "Huddinge"]
        assert second.status == "klar" and second.sub_goal.text == COORD_3
        assert [n.short_name for n in second.networks] == ["Kommunikation"]


def test_a_windows_1252_semicolon_file_from_excel_is_read(app, elin):
    data = ("Fokusområde;Delmål;Aktivitet\r\n"
            "Näringsliv;Genom samsyn om helheten;Gemensam näringslivsanalys\r\n").encode("cp1252")
    response = upload(elin, "ekonomi", "excel.csv", data)
    assert response.status_code == 303
    assert confirm(elin, response).status_code == 303
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(
            ActionItem.network_id == network_id("ekonomi")))
        assert item.activity == "Gemensam näringslivsanalys"
        assert item.sub_goal.text == "Genom samsyn om helheten"


def test_an_exported_file_imports_back_to_the_same_rows(app, elin):
    exported = elin.get("/natverk/sup/handlingsplan/export.csv")
    assert exported.status_code == 200
    response = upload(elin, "ekonomi", "export.csv", exported.get_data())
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert confirm(elin, response).status_code == 303
    with app.app_context():
        def rows(slug):
            return [(i.sub_goal_id, i.activity, i.responsible, i.cost, i.time_text, i.comment,
                     i.status, i.due_date) for i in db.session.scalars(
                select(ActionItem).where(ActionItem.network_id == network_id(slug))
                .order_by(ActionItem.position))]
        assert rows("ekonomi") == rows("sup") and len(rows("sup")) == 9


# ---------------------------------------------------------------- the waiting import


def test_a_waiting_import_belongs_to_its_uploader_and_is_confirmed_once(app, elin, demo):
    response = upload(elin, "ekonomi", "plan.csv", REAL_PLAN.read_bytes())
    location = response.headers["Location"]
    # Another person who may edit the network cannot see or confirm Elin's import.
    other = Client(app)
    with app.app_context():
        from intranet.org.models import Appointment, Person
        convener = db.session.scalar(select(Person).join(
            Appointment, Appointment.person_id == Person.id).where(
            Appointment.network_id == network_id("ekonomi"), Appointment.role == "convener"))
        email = convener.email
    assert other.login(email, DEMO_PASSWORD).status_code == 303
    assert other.get(location).status_code == 404
    assert other.post(location + "/bekrafta").status_code == 404
    # Nor through another network's URL.
    assert elin.get(location.replace("/ekonomi/", "/sup/")).status_code == 404
    with app.app_context():
        assert count(ActionItem, network_id=network_id("ekonomi")) == 0

    rows = ticked(elin.get(location).get_data(as_text=True))
    assert len(rows) == 22
    assert elin.post(location + "/bekrafta", {"rows": rows}).status_code == 303
    # A second click does nothing.
    assert elin.post(location + "/bekrafta", {"rows": rows}).status_code == 404
    with app.app_context():
        assert count(ActionItem, network_id=network_id("ekonomi")) == 22


def test_a_cancelled_or_expired_import_writes_nothing(app, elin):
    first = upload(elin, "ekonomi", "plan.csv", REAL_PLAN.read_bytes()).headers["Location"]
    assert elin.post(first + "/avbryt").status_code == 303
    assert elin.get(first).status_code == 404
    second = upload(elin, "ekonomi", "plan.csv", REAL_PLAN.read_bytes()).headers["Location"]
    with app.app_context():
        pending = db.session.scalar(select(ActionImport))
        pending.created_at = clock.utcnow() - timedelta(hours=3)
        db.session.commit()
    assert elin.get(second).status_code == 404
    assert elin.post(second + "/bekrafta").status_code == 404
    with app.app_context():
        assert count(ActionItem, network_id=network_id("ekonomi")) == 0


def test_a_sub_goal_removed_before_confirming_leaves_nothing_half_imported(app, elin):
    data = ("fokusomrade,delmal,aktivitet\n"
            "Utbildning,Genom att Södertörns högskola får universitetsstatus,Först\n"
            "Näringsliv,Genom samsyn om helheten,Sist\n").encode()
    location = upload(elin, "ekonomi", "plan.csv", data).headers["Location"]
    with app.app_context():
        pending = db.session.scalar(select(ActionImport))
        rows = [dict(r) for r in pending.rows]
        rows[1]["sub_goal_id"] = 999_999  # as if the programme lost that sub-goal meanwhile
        pending.rows = rows
        db.session.commit()
    response = elin.post(location + "/bekrafta", {"rows": ["2", "3"]})
    assert response.status_code == 303
    assert "/importera" in response.headers["Location"]
    with app.app_context():
        assert count(ActionItem, network_id=network_id("ekonomi")) == 0
        assert count(ActionImport) == 1  # still there: the rollback undid the claim too


# ---------------------------------------------------------------- never a crash


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_give_a_plan_with_errors_or_rows_never_an_exception(data):
    goals = [SimpleNamespace(id=1, text="Genom samsyn om helheten")]
    programme = Programme([SimpleNamespace(id=1, name="Näringsliv", sub_goals=goals)])
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        plan = parse_plan("fil.csv", b"fokusomrade,delmal,aktivitet\n" + data, programme)
        assert plan.ok or plan.errors or plan.failed_rows
        plan = parse_plan("fil.xlsx", data, programme)
        assert plan.ok or plan.errors or plan.failed_rows


# ---------------------------------------------------------------- rows as spreadsheets number them


TWO_PARAGRAPHS = ("fokusomrade,delmal,aktivitet,kommentar\n"
                  "Näringsliv,Genom samsyn om helheten,Rad två,\n"
                  "Näringsliv,Genom samsyn om helheten,Rad tre,\"Första stycket.\n\n"
                  "Andra stycket.\"\n"
                  "Näringsliv,Genom samsyn om helheten,Rad fyra,\n"
                  "Näringsliv,Genom samsyn om helheten,Rad fem,\n"
                  "\n"  # row 6 is blank
                  "Näringsliv,Fler bostäder,Rad sju med fel delmål,\n")


def test_rows_are_numbered_as_the_spreadsheet_shows_them_not_by_lines_of_text(app, elin):
    with app.app_context():
        from intranet.actions.services import programme

        plan = parse_plan("plan.csv", TWO_PARAGRAPHS.encode(), programme())
    assert [r.line for r in plan.rows] == [2, 3, 4, 5, 7]
    assert plan.rows[1].values["comment"] == "Första stycket.\n\nAndra stycket."
    assert [r.line for r in plan.failed_rows] == [7]

    body = upload(elin, "ekonomi", "plan.csv", TWO_PARAGRAPHS.encode()).get_data(as_text=True)
    # The error names row 7 (the text's 9th line), and the row's activity beside it.
    assert re.search(r"Rad 7</th>\s*<td[^>]*>Rad sju med fel delmål</td>\s*<td>.*?"
                     r"Delmålet ”Fler bostäder” finns inte under Näringsliv", body, re.S)
    assert "Rad 9" not in body

    # An Excel sheet's rows keep their numbers past blank rows, as they always did.
    data = xlsx([
        ["Fokusområde", "Delmål", "Aktivitet"],
        ["Näringsliv", "Genom samsyn om helheten", "Rad två"],
        [None, None, None],
        [None, None, None],
        ["Näringsliv", "Finns inte", "Rad fem"],
    ])
    with app.app_context():
        plan = parse_plan("plan.xlsx", data, programme())
    assert [r.line for r in plan.rows] == [2, 5]
    assert [r.line for r in plan.failed_rows] == [5]


def test_a_row_without_an_activity_is_named_by_its_sub_goal(app, elin):
    data = "fokusomrade,delmal,aktivitet\nNäringsliv,Genom samsyn om helheten,\n".encode()
    body = upload(elin, "ekonomi", "plan.csv", data).get_data(as_text=True)
    assert re.search(r"Rad 2</th>\s*<td[^>]*><span class=\"muted\">\(ingen aktivitet\) "
                     r"Delmål: Genom samsyn om helheten</span>", body)


def test_a_csv_error_names_the_spreadsheet_row(app):
    data = (TWO_PARAGRAPHS.split("\n\n")[0] + "\n\nAndra stycket.\"\n"
            "Näringsliv,Genom samsyn om helheten,\"" + "x" * 140_000 + "\"\n").encode()
    with app.app_context():
        from intranet.actions.services import programme

        plan = parse_plan("plan.csv", data, programme())
    assert plan.errors == ["Filen kunde inte läsas som CSV (rad 4)."]


# ---------------------------------------------------------------- what a file says besides rows


def test_unused_headers_get_a_suggestion_when_they_look_like_a_column():
    from intranet.actions.importer import map_columns, unused_columns

    columns, errors = map_columns(["Fokusområde", "Delmål", "Aktivitet", "Ansvar", "Budget",
                                   "När", "Nr", "Övrigt", ""])
    assert not errors
    assert [(c.header, c.suggestion) for c in unused_columns(columns)] == [
        ("Ansvar", "responsible"), ("Budget", "cost"), ("När", "time_text"), ("Nr", None),
        ("Övrigt", None)]
    # A column the file has already is not suggested again.
    columns, _ = map_columns(["Fokusområde", "Delmål", "Aktivitet", "Ansvarig", "Ansvar"])
    assert [(c.header, c.suggestion) for c in unused_columns(columns)] == [("Ansvar", None)]


def test_unused_headers_and_the_windows_1252_note_are_above_the_preview(app, elin):
    data = ("Fokusområde;Delmål;Aktivitet;Ansvar;Budget;När\r\n"
            "Näringsliv;Genom samsyn om helheten;Gemensam analys;SNUG;10 000 kr;Våren\r\n"
            ).encode("cp1252")
    response = upload(elin, "ekonomi", "excel.csv", data)
    assert response.status_code == 303
    body = elin.get(response.headers["Location"]).get_data(as_text=True)
    notes = body.index("Om filen")
    assert notes < body.index("Raderna i filen")  # above the preview's rows
    assert "Filen var inte UTF-8; den lästes som Windows-1252." in body[notes:]
    assert "3 kolumner i filen används inte:" in body
    for header, column in (("Ansvar", "Ansvarig"), ("Budget", "Kostnad"), ("När", "Tid")):
        assert re.search(rf"<strong>{header}</strong> – Menade du ”{column}”\?", body), header
    # The file with errors lists them too.
    bad = data.replace("Genom samsyn om helheten".encode("cp1252"), b"Finns inte")
    refused = upload(elin, "ekonomi", "excel.csv", bad).get_data(as_text=True)
    assert "Filen kan inte importeras" in refused and "Menade du ”Kostnad”?" in refused
    assert "Filen var inte UTF-8" in refused


def test_responsible_networks_are_found_without_case_or_diacritics():
    networks = [SimpleNamespace(id=1, short_name="SUP", name="Nätverket för planeringschefer"),
                SimpleNamespace(id=2, short_name="Klimat", name="Klimatnätverket")]
    places = [SimpleNamespace(id=1, name="Södertälje")]
    found, where = recognise_responsible("KLIMATNATVERKET och natverket for planeringschefer, "
                                         "Sodertalje", networks, places)
    assert [n.short_name for n in found] == ["Klimat", "SUP"]
    assert [m.name for m in where] == ["Södertälje"]


# ---------------------------------------------------------------- files made to cost time


def test_an_overlong_focus_area_or_sub_goal_is_refused_before_it_is_compared(app, monkeypatch):
    """Comparing a text with the programme's costs time by its length: a 120,000-letter
    sub-goal is refused by its length and never compared."""
    from intranet.actions import importer
    from intranet.actions.services import programme

    compared = []
    original = importer._similarity
    monkeypatch.setattr(importer, "_similarity",
                        lambda a, b: compared.append(len(a)) or original(a, b))
    data = ("Fokusområde,Delmål,Aktivitet\n"
            f"Infrastruktur,\"{'ab ' * 40_000}\",A1\n"
            f"\"{'Infra ' * 100}\",{INFRA_1},A2\n").encode()
    with app.app_context():
        plan = parse_plan("plan.csv", data, programme())
    assert [(row.line, row.errors) for row in plan.failed_rows] == [
        (2, ["Delmål är längre än 1000 tecken."]),
        (3, ["Fokusområde är längre än 200 tecken."])]
    assert all(length <= 1000 for length in compared)


def test_a_file_with_too_many_columns_is_refused_with_a_reason(app, demo):
    from intranet.actions.services import programme

    header = ["Fokusområde", "Delmål", "Aktivitet"] + [f"Extra {i}" for i in range(200)]
    data = (",".join(header) + "\nInfrastruktur," + INFRA_1 + ",A\n").encode()
    with app.app_context():
        plan = parse_plan("plan.csv", data, programme())
    assert plan.errors == ["Filen har 203 kolumner; högst 50 läses. Ta bort de kolumner som "
                           "inte hör till handlingsplanen och försök igen."]
    # Empty columns at the end of a sheet's header are not counted.
    data = (",".join(["Fokusområde", "Delmål", "Aktivitet"] + [""] * 200)
            + "\nInfrastruktur," + INFRA_1 + ",A\n").encode()
    with app.app_context():
        assert parse_plan("plan.csv", data, programme()).ok


def test_blank_rows_do_not_count_towards_the_row_limit_and_no_row_is_left_out_unsaid(app, demo):
    from intranet.actions.importer import MAX_ROWS
    from intranet.actions.services import programme

    row = f"Infrastruktur,{INFRA_1},Aktivitet"
    with app.app_context():
        plan = parse_plan("plan.csv", ("Fokusområde,Delmål,Aktivitet\n" + "".join(
            f"{row} {i}\n\n" for i in range(1500))).encode(), programme())
        assert plan.ok and len(plan.rows) == 1500
        assert plan.rows[-1].line == 3000  # a spreadsheet's row: the blank ones counted
        plan = parse_plan("plan.csv", ("Fokusområde,Delmål,Aktivitet\n" + "".join(
            f"{row} {i}\n\n" for i in range(MAX_ROWS + 1))).encode(), programme())
    assert f"Filen har fler än {MAX_ROWS} rader." in plan.errors
