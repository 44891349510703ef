"""Importing the action plan in Chromium, with the demo data (the 2021 plan in the networks):
a convener imports the plan file into a network that already has its rows (the preview marks
them, the confirmation leaves them out or takes the one ticked in, and the import is undone
in one step), and the secretariat imports the combined plan into the networks its rows name.
axe-core on every page and state; the pages fit a phone's width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from intranet.actions.models import ActionItem
from intranet.config import ROOT
from intranet.extensions import db
from intranet.org.models import Network

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SARA = "sara.ekholm@huddinge.example"  # convener of SUP
ELIN = "elin.strand@huddinge.example"  # the secretariat
REAL_PLAN = ROOT / "intranet" / "demo" / "handlingsplan-2021.csv"
# The rows of the file the demo put in SUP (by spreadsheet row).
SUP_ROWS = {2, 3, 4, 5, 6, 7, 9, 10, 11}


def live(app, short_name: str) -> list[ActionItem]:
    with app.app_context():
        network = db.session.scalar(select(Network).where(Network.short_name == short_name))
        rows = list(db.session.scalars(select(ActionItem).where(
            ActionItem.network_id == network.id, ActionItem.deleted_at.is_(None))
            .order_by(ActionItem.position)))
        db.session.expunge_all()
        return rows


def upload_to_preview(page, path) -> None:
    page.get_by_label("Fil (CSV eller Excel .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("button", name="Importera markerade rader").first).to_be_visible()


def fits(page, width: int) -> None:
    """At `width` px nothing but the tables' own scrolling regions is wider than the screen."""
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})


def test_convener_imports_the_plan_again_without_doubling_it_and_undoes_it(
    page, live_server, login, check_a11y, app
):
    base = live_server
    assert len(live(app, "SUP")) == 9
    login(page, base, SARA)
    page.goto(f"{base}/natverk/sup/handlingsplan/")
    page.get_by_role("link", name="Importera", exact=True).click()
    upload_to_preview(page, REAL_PLAN)
    expect(page.locator(".message")).to_contain_text(
        "9 rader finns redan i handlingsplanen (samma delmål och aktivitet).")
    rows = page.locator("table.import-preview tbody tr")
    expect(rows).to_have_count(22)
    for number in range(2, 24):
        box = page.get_by_role("checkbox", name=f"Importera rad {number}", exact=True)
        if number in SUP_ROWS:
            expect(box).not_to_be_checked()
            expect(page.locator(f"#import-row-{number}")).to_contain_text("Finns redan")
        else:
            expect(box).to_be_checked()
    expect(page.locator("#import-row-2")).to_contain_text("SUP, rad 1")
    check_a11y(page, "the preview with rows already there")
    fits(page, 390)

    # Confirmed as proposed: the 13 rows other networks keep, none of the 9 SUP has.
    # Without touching a box: what the page said the confirmation imports by default.
    expect(page.locator(".message")).to_contain_text("Som förvalt importeras 13 rader.")
    expect(page.locator("#import-chosen")).to_have_text(
        "13 rader är markerade och importeras när du bekräftar.")
    page.get_by_role("button", name="Importera markerade rader").first.click()
    expect(page.locator("#messages")).to_contain_text("13 rader importerades.")
    expect(page.locator(".import-notice")).to_contain_text(
        "Du importerade 13 rader från handlingsplan-2021.csv.")
    assert len(live(app, "SUP")) == 22
    check_a11y(page, "the list after an import, with its undo")

    # Undone in one step from the list: the plan is as before.
    page.locator(".import-notice").get_by_role("button", name="Ångra importen").click()
    expect(page.locator("#messages")).to_contain_text(
        "Importen ångrades: 13 rader togs bort. De finns bland borttagna rader")
    expect(page.locator("#messages").get_by_role("link", name="Visa borttagna rader")
           ).to_have_attribute("href", "/natverk/sup/handlingsplan/borttagna")
    expect(page.locator(".import-notice")).to_have_count(0)
    expect(page.locator("#result-count")).to_have_text("9 rader")
    assert len(live(app, "SUP")) == 9

    # Again, ticking one row that is already there in: it is imported all the same.
    page.get_by_role("link", name="Importera", exact=True).click()
    upload_to_preview(page, REAL_PLAN)
    page.get_by_role("checkbox", name="Importera rad 3", exact=True).check()
    # The count follows the box, at the top (said to screen readers) and at the bottom.
    expect(page.locator("#import-chosen")).to_have_text(
        "14 rader är markerade och importeras när du bekräftar.")
    expect(page.locator("[data-import-chosen]")).to_have_text(
        "14 rader är markerade och importeras när du bekräftar.")
    page.get_by_role("button", name="Importera markerade rader").last.click()
    expect(page.locator("#messages")).to_contain_text("14 rader importerades.")
    activities = [item.activity for item in live(app, "SUP")]
    assert len(activities) == 23
    assert sum("laddinfrastruktur" in a for a in activities) == 2

    # Undone from the list of imports, where the earlier import shows as undone.
    page.locator(".import-notice").get_by_role("link", name="Tidigare importer").click()
    expect(page.get_by_role("heading", name="Tidigare importer")).to_be_visible()
    batches = page.locator("table.import-batches tbody tr")
    expect(batches).to_have_count(2)
    expect(batches.nth(1)).to_contain_text("Ångrad")
    check_a11y(page, "the network's imports")
    fits(page, 390)
    batches.first.get_by_role("button", name=re.compile("^Ångra importen")).click()
    expect(page.locator("#messages")).to_contain_text("Importen ångrades: 14 rader togs bort.")
    expect(page.locator("table.import-batches tbody tr").first).to_contain_text("Ångrad")
    assert len(live(app, "SUP")) == 9
    page.get_by_role("link", name="Borttagna rader").first.click()
    expect(page.locator("tbody tr")).to_have_count(27)

    # Both undone imports can come back in one step each; the latest undo is first.
    restore = page.get_by_role("button", name=re.compile(
        r"^Återställ alla från importen handlingsplan-2021\.csv \("))
    expect(restore).to_have_count(2)
    expect(page.locator(".undone-import").first).to_contain_text(
        "14 av raderna nedan kommer från den.")
    check_a11y(page, "the removed rows with two undone imports")
    fits(page, 390)
    restore.first.click()
    expect(page.locator("#messages")).to_contain_text(
        "Importen återställdes: 14 rader är tillbaka i Nätverket för planeringschefer, "
        "sist i listan.")
    expect(page.locator("tbody tr")).to_have_count(13)
    expect(restore).to_have_count(1)
    assert len(live(app, "SUP")) == 23


def test_secretariat_imports_the_combined_plan_into_the_networks_it_names(
    page, live_server, login, check_a11y, app, tmp_path, console
):
    base = live_server
    console.allow(r"status of 422")
    plan = tmp_path / "handlingsplan-2022.csv"
    plan.write_bytes((
        "Fokusområde;Delmål;Aktivitet;Ansvarig;Budget\r\n"
        "Infrastruktur;Genom att prioriterade infrastrukturprojekt genomförs.;"
        "Gemensam bevakning av Tvärförbindelse Södertörn under byggtiden.;SUP;\r\n"
        "Infrastruktur;Utifrån god framkomlighet och minskad klimatpåverkan från resor och "
        "transporter.;Kartläggning av laddplatser för tunga fordon.;Klimatnatverket, SUP;"
        "50 000 kr\r\n"
        "Näringsliv;För fler etableringar och växande företag;Gemensam etableringsguide.;"
        "SNUG, kommunikationsnätverket;\r\n"
        "Funktionell samordning;För bättre verksamhet;Jämförelse av nyckeltal.;Södertörn;\r\n"
        # Already in the plan (the demo's SUP row 1): left out.
        "Infrastruktur;Utifrån god framkomlighet och minskad klimatpåverkan från resor och "
        "transporter.;Transportinfrastrukturplaneringen inför kommande nationell plan och "
        "länsplan.;Södertörn och SUP;\r\n").encode("cp1252"))
    networks = ("SUP", "Klimat", "SNUG", "Ekonomi", "Kommunikation")
    before = {short: len(live(app, short)) for short in networks}
    login(page, base, ELIN)
    page.goto(f"{base}/handlingsplan/")
    page.get_by_role("link", name="Importera", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importera den gemensamma handlingsplanen")
    check_a11y(page, "the combined plan's upload")

    # The network for rows naming none is required.
    page.get_by_label("Fil (CSV eller Excel .xlsx)").set_input_files(str(plan))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Välj ett nätverk för raderna som inte nämner något nätverk.")
    check_a11y(page, "the combined plan's upload without a network")
    page.get_by_label("Nätverk för rader som inte nämner något nätverk").select_option(
        label="Nätverket för ekonomidirektörer")

    # A file with a sub-goal not in the programme: the row is linked from the error box,
    # and the focus area's sub-goals are there to choose from.
    wrong = tmp_path / "fel.csv"
    wrong.write_text("Fokusområde;Delmål;Aktivitet\nInfrastruktur;Fler cykelbanor;Cykelplan\n",
                     encoding="utf-8")
    page.get_by_label("Fil (CSV eller Excel .xlsx)").set_input_files(str(wrong))
    page.get_by_role("button", name="Förhandsgranska").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "1 av 1 rader har fel. Felen står vid varje rad i tabellen nedan.")
    alert.get_by_role("link", name="Rad 2").click()
    expect(page).to_have_url(re.compile("#fel-rad-2$"))
    choices = page.locator("#fel-rad-2 details")
    choices.get_by_text("Delmål under Infrastruktur").click()
    expect(choices.get_by_role("listitem")).to_have_count(3)
    expect(choices).to_contain_text("Genom att prioriterade infrastrukturprojekt genomförs")
    check_a11y(page, "a file with an unknown sub-goal, its choices open")
    fits(page, 390)
    upload_to_preview(page, plan)

    # Per network: the file's new rows, those already there, and (kept up to date by the
    # script) the rows ticked.
    counts = page.locator("table.import-per-network")
    expect(counts.get_by_role("columnheader")).to_have_text(
        ["Nätverk", "Nya rader", "Finns redan", "Importeras"])
    for name, new, there in (("Nätverket för planeringschefer", "1", "1"),
                             ("Klimatnätverket", "1", "0"), ("Näringslivschefer", "1", "0"),
                             ("Nätverket för ekonomidirektörer", "1", "0")):
        cells = counts.locator("tr", has_text=name).locator("td")
        expect(cells).to_have_text([new, there, new])
    sup_ticked = counts.locator("tr", has_text="Nätverket för planeringschefer").locator(
        "td").nth(2)
    page.get_by_role("checkbox", name="Importera rad 6", exact=True).check()
    expect(sup_ticked).to_have_text("2")
    expect(page.locator("#import-chosen")).to_have_text(
        "5 rader är markerade och importeras när du bekräftar.")
    page.get_by_role("checkbox", name="Importera rad 6", exact=True).uncheck()
    expect(sup_ticked).to_have_text("1")
    expect(page.locator(".message")).to_contain_text("Som förvalt importeras 4 rader.")
    notes = page.locator(".import-notes")
    expect(notes).to_contain_text("Filen var inte UTF-8; den lästes som Windows-1252.")
    expect(notes).to_contain_text("Budget – Menade du ”Kostnad”?")
    expect(page.locator("#import-row-5")).to_contain_text("Nätverket för ekonomidirektörer")
    expect(page.locator("#import-row-5")).to_contain_text("Nämner inget nätverk")
    check_a11y(page, "the combined plan's preview")
    fits(page, 390)

    page.get_by_role("button", name="Importera markerade rader").first.click()
    expect(page.locator("#messages")).to_contain_text(
        "4 rader importerades: 1 till Klimatnätverket, 1 till Näringslivschefer, 1 till "
        "Nätverket för ekonomidirektörer, 1 till Nätverket för planeringschefer.")
    expect(page.locator(".import-notice")).to_contain_text(
        "Du importerade 4 rader från handlingsplan-2022.csv.")
    check_a11y(page, "the combined plan after an import")
    # Each new row in the first network it names (the row naming none in the one chosen);
    # the communication network, named second, only shares the business row.
    landed = {short: [i.activity for i in live(app, short)] for short in networks}
    assert {short: len(rows) - before[short] for short, rows in landed.items()} == {
        "SUP": 1, "Klimat": 1, "SNUG": 1, "Ekonomi": 1, "Kommunikation": 0}
    assert "Gemensam bevakning av Tvärförbindelse Södertörn under byggtiden." in landed["SUP"]
    assert "Kartläggning av laddplatser för tunga fordon." in landed["Klimat"]
    assert "Gemensam etableringsguide." in landed["SNUG"]
    assert "Jämförelse av nyckeltal." in landed["Ekonomi"]

    page.locator(".import-notice").get_by_role("link", name="Tidigare importer").click()
    first = page.locator("table.import-batches tbody tr").first
    expect(first).to_contain_text("Gemensam plan (flera nätverk)")
    check_a11y(page, "the imports of the whole plan")
    first.get_by_role("button", name=re.compile("^Ångra importen")).click()
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Importen ångrades: 4 rader togs bort.")
    assert {short: len(live(app, short)) for short in networks} == before
    # Each network's removed rows are linked from the message and from the import's row.
    expect(messages.get_by_role("link")).to_have_text(
        ["Klimatnätverket", "Näringslivschefer", "Nätverket för ekonomidirektörer",
         "Nätverket för planeringschefer"])
    first = page.locator("table.import-batches tbody tr").first
    expect(first.get_by_role("link", name="Klimatnätverket")).to_be_visible()
    check_a11y(page, "the imports after undoing the combined plan")
    fits(page, 390)

    # Restored from the climate network's removed rows, in every network at once.
    messages.get_by_role("link", name="Klimatnätverket").click()
    expect(page.locator(".undone-import")).to_contain_text(
        "3 rader till kommer tillbaka i andra nätverk.")
    page.get_by_role("button", name=re.compile(
        r"^Återställ alla från importen handlingsplan-2022\.csv")).click()
    expect(messages).to_contain_text("Importen återställdes: 4 rader är tillbaka")
    assert {short: len(live(app, short)) - before[short] for short in networks} == {
        "SUP": 1, "Klimat": 1, "SNUG": 1, "Ekonomi": 1, "Kommunikation": 0}
