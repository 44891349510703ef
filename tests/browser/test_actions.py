"""The action list in a real Chromium with the demo data (the 2021 plan loaded into the
networks): in-place editing by keyboard only, a conflicting edit from two browsers, the same
edit without JavaScript, the import, and axe-core on every new page and state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from intranet.actions.models import ActionItem
from intranet.extensions import db
from intranet.org.models import Network

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

AHMED = "ahmed.karimi@botkyrka.example"  # member of SUP
SARA = "sara.ekholm@huddinge.example"  # convener of SUP
ELIN = "elin.strand@huddinge.example"  # the secretariat
JOHAN = "johan.lindqvist@huddinge.example"  # director, chair of the management group
FIRST_ACTIVITY = "Transportinfrastrukturplaneringen inför kommande nationell plan och länsplan."


def sup_row(app, position: int = 1) -> ActionItem:
    with app.app_context():
        sup = db.session.scalar(select(Network).where(Network.slug == "sup"))
        item = db.session.scalar(select(ActionItem).where(
            ActionItem.network_id == sup.id, ActionItem.position == position))
        db.session.expunge(item)
        return item


def stored(app, item_id: int) -> ActionItem:
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        db.session.expunge(item)
        return item


def open_list(page, base: str) -> None:
    page.goto(f"{base}/natverk/sup/handlingsplan/")
    expect(page.get_by_role("heading", level=2, name="Handlingsplan")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")


def tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused element's accessible name is `name`: keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e && e.matches('a, button') ? e.textContent.replace(/\\s+/g, ' ') : ''; }")
        if focused.strip().endswith(name):
            return
    pytest.fail(f"Tab never reached {name!r}")


# ---------------------------------------------------------------- in place, keyboard only


def test_member_edits_a_cell_in_place_with_the_keyboard_only(
    page, live_server, login, check_a11y, app
):
    base = live_server
    item = sup_row(app)
    login(page, base, AHMED)
    open_list(page, base)
    check_a11y(page, "the SUP action list")
    cell = page.locator(f"#cell-{item.id}-aktivitet")
    expect(cell).to_contain_text(FIRST_ACTIVITY)

    # Tab to the cell's edit button and open the editor with Enter: the text area has focus.
    tab_to(page, "Ändra aktivitet, rad 1")
    edit_button = page.get_by_role("link", name="Ändra aktivitet, rad 1")
    expect(edit_button).to_be_focused()
    page.keyboard.press("Enter")
    editor = page.get_by_role("textbox", name="Aktivitet, rad 1")
    expect(editor).to_be_focused()
    expect(editor).to_have_value(FIRST_ACTIVITY)
    check_a11y(page, "the list with a cell editor open")

    # Type and save with Enter: the cell shows the new text, focus is back on its button and
    # the live region says what happened.
    page.keyboard.press("Control+A")
    page.keyboard.type("Nationell plan och länsplan 2022–2033")
    page.keyboard.press("Enter")
    expect(cell).to_contain_text("Nationell plan och länsplan 2022–2033")
    expect(editor).to_have_count(0)
    expect(edit_button).to_be_focused()
    expect(page.locator("#messages")).to_contain_text("Aktivitet på rad 1 sparades.")
    expect(page.locator(f"#changed-{item.id}")).to_contain_text("Ahmed Karimi")
    saved = stored(app, item.id)
    assert saved.activity == "Nationell plan och länsplan 2022–2033"
    assert saved.version == item.version + 1
    check_a11y(page, "the list after an in-place save")

    # Escape cancels: nothing is saved, the cell shows the stored text, focus is back.
    page.keyboard.press("Enter")
    expect(editor).to_be_focused()
    page.keyboard.type(" – men det här ska inte sparas")
    page.keyboard.press("Escape")
    expect(editor).to_have_count(0)
    expect(cell).to_contain_text("Nationell plan och länsplan 2022–2033")
    expect(cell).not_to_contain_text("inte sparas")
    expect(edit_button).to_be_focused()
    assert stored(app, item.id).activity == "Nationell plan och länsplan 2022–2033"

    # A select saves with Enter too: the status.
    status_button = page.get_by_role("link", name="Ändra status, rad 1")
    status_button.focus()
    page.keyboard.press("Enter")
    status = page.get_by_role("combobox", name="Status, rad 1")
    expect(status).to_be_focused()
    expect(status).to_have_value("pagar")  # "Löpande" in the demo plan: under way
    status.select_option(label="Klar")
    status.press("Enter")
    expect(status).to_have_count(0)
    expect(page.locator(f"#cell-{item.id}-status")).to_contain_text("Klar")
    assert stored(app, item.id).status == "klar"


def test_an_empty_activity_is_refused_in_place_and_the_editor_stays(
    page, live_server, login, check_a11y, app, console
):
    base = live_server
    item = sup_row(app, position=2)
    console.allow(r"status of 422|Response Status Error Code 422")
    login(page, base, AHMED)
    open_list(page, base)
    page.get_by_role("link", name="Ändra aktivitet, rad 2").click()
    editor = page.get_by_role("textbox", name="Aktivitet, rad 2")
    editor.fill("")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(f"#cell-{item.id}-aktivitet .field__error")).to_have_text(
        "Skriv vad som ska göras.")
    expect(editor).to_have_attribute("aria-invalid", "true")
    check_a11y(page, "a cell editor with a validation error")
    assert stored(app, item.id).activity == item.activity


# ---------------------------------------------------------------- a conflicting edit


def test_conflicting_edit_shows_both_values_and_keeps_the_second_users_text(
    page, browser, live_server, login, check_a11y, app, console
):
    base = live_server
    item = sup_row(app, position=3)
    # The stale save is answered 409 on purpose; htmx logs that status as an error.
    console.allow(r"status of 409|Response Status Error Code 409")

    # Sara (the convener) in a browser of her own.
    sara_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    sara_errors = []
    try:
        sara = sara_context.new_page()
        sara.on("pageerror", lambda error: sara_errors.append(str(error)))
        login(sara, base, SARA)
        open_list(sara, base)
        login(page, base, AHMED)
        open_list(page, base)

        # Both open the same cell from the same version.
        sara.get_by_role("link", name="Ändra kommentar, rad 3").click()
        page.get_by_role("link", name="Ändra kommentar, rad 3").click()
        sara_editor = sara.get_by_role("textbox", name="Kommentar, rad 3")
        ahmed_editor = page.get_by_role("textbox", name="Kommentar, rad 3")
        expect(ahmed_editor).to_be_focused()

        # Sara saves first.
        sara_editor.fill("Saras kommentar: remissvaret är skickat.")
        sara_editor.press("Enter")
        expect(sara.locator(f"#cell-{item.id}-kommentar")).to_contain_text("Saras kommentar")

        # Ahmed saves from the old version: a conflict view, his text kept beside hers.
        ahmed_editor.fill("Ahmeds kommentar: vi väntar på Trafikverket.")
        ahmed_editor.press("Enter")
        conflict = page.locator(f"#cell-{item.id}-kommentar .conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("Någon annan har ändrat raden sedan du började.")
        # Three values: the one both started from, Sara's and his.
        expect(conflict.locator(".value-conflict__base dt")).to_have_text("Ni båda utgick från")
        expect(conflict.locator(".value-conflict__base dd")).to_have_text(
            item.comment or "(tomt)")
        expect(conflict.locator(".value-conflict__saved dt")).to_have_text(
            "Sparat av Sara Ekholm")
        expect(conflict.locator(".value-conflict__saved dd")).to_have_text(
            "Saras kommentar: remissvaret är skickat.")
        expect(conflict.locator(".value-conflict__mine dd")).to_have_text(
            "Ahmeds kommentar: vi väntar på Trafikverket.")
        expect(ahmed_editor).to_have_value("Ahmeds kommentar: vi väntar på Trafikverket.")
        assert stored(app, item.id).comment == "Saras kommentar: remissvaret är skickat."
        check_a11y(page, "the in-place conflict view")

        # He decides to keep his own: saving again, deliberately, replaces hers.
        page.get_by_role("button", name="Spara min version").click()
        expect(page.locator(f"#cell-{item.id}-kommentar")).to_contain_text(
            "Ahmeds kommentar: vi väntar på Trafikverket.")
        expect(page.locator(f"#cell-{item.id}-kommentar .conflict")).to_have_count(0)
        assert stored(app, item.id).comment == "Ahmeds kommentar: vi väntar på Trafikverket."
    finally:
        sara_context.close()
    assert not sara_errors


def test_two_people_editing_different_cells_of_a_row_both_keep_their_change(
    page, browser, live_server, login, app
):
    base = live_server
    item = sup_row(app, position=5)
    sara_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    try:
        sara = sara_context.new_page()
        login(sara, base, SARA)
        open_list(sara, base)
        login(page, base, AHMED)
        open_list(page, base)
        # Both open a cell of row 5 from the same version: Sara the cost, Ahmed the time.
        sara.get_by_role("link", name="Ändra kostnad, rad 5").click()
        page.get_by_role("link", name="Ändra tid, rad 5").click()
        sara_editor = sara.get_by_role("textbox", name="Kostnad, rad 5")
        sara_editor.fill("25 000 kr")
        sara_editor.press("Enter")
        expect(sara.locator(f"#cell-{item.id}-kostnad")).to_contain_text("25 000 kr")
        ahmed_editor = page.get_by_role("textbox", name="Tid, rad 5")
        ahmed_editor.fill("Hösten")
        ahmed_editor.press("Enter")
        expect(page.locator(f"#cell-{item.id}-tid")).to_contain_text("Hösten")
        expect(page.locator(".conflict")).to_have_count(0)
        saved = stored(app, item.id)
        assert (saved.cost, saved.time_text) == ("25 000 kr", "Hösten")
    finally:
        sara_context.close()


def test_conflict_on_the_row_form_keeps_the_users_values_beside_the_current_ones(
    page, live_server, login, check_a11y, app, console
):
    base = live_server
    item = sup_row(app, position=4)
    console.allow(r"status of 409")
    login(page, base, AHMED)
    page.goto(f"{base}/natverk/sup/handlingsplan/{item.id}/")
    check_a11y(page, "the row form")
    page.get_by_label("Kostnad").fill("50 000 kr")

    # Meanwhile someone else changes the cost.
    with app.app_context():
        current = db.session.get(ActionItem, item.id)
        current.cost = "Ingen kostnad"
        db.session.commit()

    page.get_by_role("button", name="Spara").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Någon annan har ändrat raden sedan du började")
    expect(alert.locator(".value-conflict")).to_have_count(1)
    expect(alert.locator(".value-conflict__field")).to_have_text("Kostnad")
    expect(alert.locator(".value-conflict__base dd")).to_have_text(item.cost or "(tomt)")
    expect(alert.locator(".value-conflict__saved dd")).to_have_text("Ingen kostnad")
    expect(alert.locator(".value-conflict__mine dd")).to_have_text("50 000 kr")
    expect(page.get_by_label("Kostnad")).to_have_value("50 000 kr")
    # A screen reader hears it: the title says so, and the field in question has the focus
    # and is described by the explanation.
    expect(page).to_have_title(re.compile(r"^Inte sparat: Ändra rad"))
    expect(page.get_by_label("Kostnad")).to_be_focused()
    expect(page.get_by_label("Kostnad")).to_have_attribute("aria-describedby", "conflict")
    check_a11y(page, "the row form's conflict view")

    page.get_by_role("button", name="Spara min version").click()
    expect(page).to_have_url(re.compile(rf"/natverk/sup/handlingsplan/#rad-{item.id}$"))
    assert stored(app, item.id).cost == "50 000 kr"


# ---------------------------------------------------------------- without JavaScript


def test_without_javascript_a_cell_is_edited_on_its_own_page(browser, live_server, app):
    base = live_server
    item = sup_row(app, position=5)
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(f"{base}/logga-in")
        page.locator("#email").fill(AHMED)
        page.locator("#password").fill("Samverkan-demo-2026")
        page.get_by_role("button", name="Logga in", exact=True).click()
        page.goto(f"{base}/natverk/sup/handlingsplan/")
        page.get_by_role("link", name="Ändra tid, rad 5").click()
        expect(page).to_have_url(f"{base}/natverk/sup/handlingsplan/{item.id}/tid/andra")
        page.get_by_label("Tid").fill("Hösten")
        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page).to_have_url(re.compile(rf"/natverk/sup/handlingsplan/#rad-{item.id}$"))
        expect(page.locator(f"#cell-{item.id}-tid")).to_contain_text("Hösten")
        expect(page.locator("#messages")).to_contain_text("Ändringen sparades.")
    finally:
        context.close()
    assert stored(app, item.id).time_text == "Hösten"


# ---------------------------------------------------------------- the other pages


def test_rows_are_added_reordered_deleted_and_restored(
    page, live_server, login, check_a11y, app
):
    base = live_server
    login(page, base, SARA)
    open_list(page, base)
    page.get_by_role("link", name="Lägg till rad").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Ny rad i handlingsplanen")
    check_a11y(page, "the new row form")
    page.get_by_label("Fokusområde och delmål").select_option(
        label="Baserat på en robust teknisk försörjning")
    page.get_by_label("Aktivitet").fill("Gemensam bild av elnätets kapacitet")
    page.get_by_label("Ansvarig", exact=True).fill("SUP och Klimatnätverket")
    page.get_by_role("checkbox", name="Klimatnätverket").check()
    page.get_by_label("Förfallodatum").fill("2031-05-31")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#messages")).to_contain_text("Raden lades till.")
    row = page.locator("tbody tr", has_text="Gemensam bild av elnätets kapacitet")
    expect(row.locator("th")).to_have_text("10")

    # Up one place with htmx: the same button keeps the focus.
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_role("button", name="Flytta upp rad 10").click()
    expect(page.locator("#messages")).to_contain_text("Raden flyttades till plats 9.")
    expect(row.locator("th")).to_have_text("9")
    expect(page.get_by_role("button", name="Flytta upp rad 9")).to_be_focused()
    check_a11y(page, "the list after moving a row")

    row.get_by_role("button", name="Ta bort rad 9").click()
    expect(page.locator("#messages")).to_contain_text("Raden togs bort.")
    new_row = page.locator("tbody tr", has_text="Gemensam bild av elnätets kapacitet")
    expect(new_row).to_have_count(0)
    page.get_by_role("link", name="Borttagna rader (1)").click()
    check_a11y(page, "the deleted rows")
    page.get_by_role("button", name=re.compile("Återställ")).click()
    expect(page.locator("#messages")).to_contain_text("Raden återställdes")
    expect(new_row).to_have_count(1)


def test_filters_live_in_the_url_and_update_without_a_page_load(
    page, live_server, login, check_a11y
):
    base = live_server
    login(page, base, AHMED)
    open_list(page, base)
    page.evaluate("() => { window.__marker = 1; }")
    page.locator("#kommun").select_option(label="Södertälje")
    expect(page.locator("#action-results .result-count")).to_have_text("1 rad (filtrerat)")
    expect(page).to_have_url(re.compile(r"[?&]kommun=\d+"))
    assert page.evaluate("() => window.__marker") == 1
    check_a11y(page, "the list filtered by municipality")
    page.locator("#q").fill("zzz-inget")
    expect(page.locator("#action-results")).to_contain_text("Inga rader matchar filtret.")
    check_a11y(page, "the list with nothing found")


def test_combined_plan_and_follow_up(page, live_server, login, check_a11y):
    base = live_server
    login(page, base, JOHAN)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Handlingsplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemensam handlingsplan")
    expect(page.locator("#plan-results .result-count")).to_have_text("22 rader")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        [re.compile(r"^Infrastruktur"), re.compile(r"^Utbildning"), re.compile(r"^Näringsliv"),
         re.compile(r"^Funktionell samordning")])
    check_a11y(page, "the combined plan")

    page.get_by_role("link", name="Uppföljning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av handlingsplanen")
    chart = page.get_by_role("img", name="Rader per fokusområde och status")
    expect(chart).to_be_visible()
    expect(page.locator(".summary-total")).to_contain_text("22 rader i handlingsplanen")
    expect(page.locator(".summary-total")).to_contain_text("3 försenade")
    check_a11y(page, "the follow-up summary")


def test_import_shows_errors_then_a_preview_then_imports(
    page, live_server, login, check_a11y, app, tmp_path, console
):
    base = live_server
    console.allow(r"status of 422")
    bad = tmp_path / "fel.csv"
    bad.write_text("fokusomrade,delmal,aktivitet\nInfrastruktur,Finns inte,Något\n"
                   "Bostäder,Fler bostäder,Annat\n", encoding="utf-8")
    good = tmp_path / "plan.csv"
    good.write_text("fokusomrade,delmal,aktivitet,ansvarig,status\n"
                    "Näringsliv,För fler etableringar och växande företag.,Företagsbesök,"
                    "SNUG,pågår\n", encoding="utf-8")
    login(page, base, ELIN)
    page.goto(f"{base}/natverk/klimat/handlingsplan/importera")
    check_a11y(page, "the import page")

    page.get_by_label("Fil (CSV eller Excel .xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("alert")).to_contain_text("Filen kan inte importeras")
    failed = page.locator("table", has=page.locator("caption", has_text="Rader med fel"))
    expect(failed.locator("tbody tr")).to_have_count(2)
    expect(failed.locator("tbody tr").first).to_contain_text("Rad 2")
    expect(failed.locator("tbody tr").nth(1)).to_contain_text("Fokusområdet ”Bostäder”")
    check_a11y(page, "the import with errors")

    page.get_by_label("Fil (CSV eller Excel .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Förhandsvisning av import")
    expect(page.locator("table", has_text="Företagsbesök")).to_be_visible()
    check_a11y(page, "the import preview")
    page.get_by_role("button", name="Importera markerade rader").first.click()
    expect(page.locator("#messages")).to_contain_text("1 rad importerades.")
    expect(page.locator("tbody tr", has_text="Företagsbesök")).to_contain_text("Pågår")


@pytest.mark.parametrize("path", [
    "/natverk/sup/handlingsplan/", "/handlingsplan/", "/handlingsplan/uppfoljning",
    "/natverk/sup/handlingsplan/ny", "/natverk/sup/handlingsplan/importera",
])
def test_action_pages_reflow_at_320_px(page, live_server, login, check_a11y, path):
    """WCAG 1.4.10: the wide tables scroll inside their own focusable region, nothing else."""
    base = live_server
    login(page, base, ELIN)
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    check_a11y(page, f"{path} at 320 px")
