"""Documents in a real Chromium: uploading several files with the progress script, a new
version, downloads, the trash, previews, and two people editing the same page at once.
axe-core checks every page and state; the `page` fixture fails on console or CSP errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MEMBER = "ahmed.karimi@botkyrka.example"  # SUP member
CONVENER = "sara.ekholm@huddinge.example"  # SUP convener
SUP_DOCS = "/natverk/sup/dokument/"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def heading(page, level: int):
    return page.get_by_role("heading", level=level)


def test_member_uploads_two_files_then_a_new_version_and_downloads(
    page, live_server, login, check_a11y, console
):
    base = live_server
    login(page, base, MEMBER)
    page.goto(f"{base}/natverk/sup")
    page.get_by_role("navigation", name="Nätverkets delar").get_by_role(
        "link", name="Dokument").click()
    expect(page).to_have_url(f"{base}{SUP_DOCS}")
    expect(heading(page, 2).filter(has_text="Dokument")).to_be_visible()
    expect(page.locator("a.doc-link", has_text="Dagordning nätverksmöte mars")).to_be_visible()
    check_a11y(page, "the SUP document list")

    page.get_by_role("link", name="Ladda upp filer").click()
    expect(heading(page, 2)).to_have_text("Ladda upp filer")
    check_a11y(page, "the upload form")
    page.locator("#files").set_input_files([
        {"name": "Protokoll april.pdf", "mimeType": "application/pdf", "buffer": PDF},
        {"name": "Deltagare.csv", "mimeType": "text/csv",
         "buffer": b"Namn;Kommun\nAhmed;Botkyrka\n"},
    ])
    expect(page.locator("[data-chosen]")).to_contain_text("2 filer valda")
    page.locator("#tags").fill("april, protokoll")
    with page.expect_navigation(url=f"{base}{SUP_DOCS}"):
        page.get_by_role("button", name="Ladda upp", exact=True).click()
    expect(page.get_by_text("2 filer har laddats upp.")).to_be_visible()
    expect(page.locator("a.doc-link", has_text="Protokoll april.pdf")).to_be_visible()
    expect(page.locator("a.doc-link", has_text="Deltagare.csv")).to_be_visible()

    page.locator("a.doc-link", has_text="Deltagare.csv").click()
    expect(heading(page, 2).first).to_have_text("Deltagare.csv")
    check_a11y(page, "a file's page")

    page.locator("#file").set_input_files(
        {"name": "Deltagare.csv", "mimeType": "text/csv",
         "buffer": b"Namn;Kommun\nAhmed;Botkyrka\nSara;Huddinge\n"})
    page.locator("#note").fill("Sara tillagd")
    page.get_by_role("button", name="Spara ny version").click()
    expect(page.get_by_text("Version 2 är sparad och är nu den aktuella.")).to_be_visible()
    rows = page.locator("section", has=page.locator("#versions-heading")).locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Sara tillagd")
    expect(rows.first).to_contain_text("aktuell")
    check_a11y(page, "a file's page with two versions")

    with page.expect_download() as caught:
        rows.nth(1).get_by_role("link", name=re.compile("Ladda ner")).click()
    download = caught.value
    assert download.suggested_filename == "Deltagare.csv"
    assert Path(download.path()).read_bytes() == b"Namn;Kommun\nAhmed;Botkyrka\n"

    href = page.get_by_role("link", name=re.compile("^Ladda ner Deltagare")).get_attribute("href")
    response = page.request.get(f"{base}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body().endswith(b"Sara;Huddinge\n")

    page.goto(f"{base}{SUP_DOCS}")
    page.locator("a.doc-link", has_text="Protokoll april.pdf").click()
    href = page.get_by_role("link", name=re.compile("^Öppna")).get_attribute("href")
    response = page.request.get(f"{base}{href}")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")


def test_refused_file_is_explained_without_leaving_the_page(
    page, live_server, login, check_a11y, console
):
    base = live_server
    console.allow(r"status of 422")
    login(page, base, MEMBER)
    page.goto(f"{base}{SUP_DOCS}ladda-upp")
    page.locator("#files").set_input_files(
        {"name": "program.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00\x03"})
    page.get_by_role("button", name="Ladda upp", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("program.pdf")
    expect(alert).to_contain_text("inte av en tillåten typ")
    expect(page).to_have_url(f"{base}{SUP_DOCS}ladda-upp")
    expect(alert).to_be_focused()
    check_a11y(page, "the upload form with a refused file")


DROP = """() => {
  const transfer = new DataTransfer();
  transfer.items.add(new File(["Punkt 1\\nPunkt 2\\n"], "Punkter.txt", {type: "text/plain"}));
  transfer.items.add(new File(["A;B\\n1;2\\n"], "Tabell.csv", {type: "text/csv"}));
  const zone = document.querySelector("[data-dropzone]");
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true,
                                                cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true,
                                            cancelable: true}));
}"""


def test_files_dropped_on_the_form_are_uploaded(page, live_server, login, check_a11y):
    base = live_server
    login(page, base, MEMBER)
    page.goto(f"{base}{SUP_DOCS}ladda-upp")
    page.wait_for_function("() => document.querySelector('form[data-upload-bound]') !== null")
    page.evaluate(DROP)
    expect(page.locator("[data-chosen]")).to_have_text(
        "2 filer valda: Punkter.txt, Tabell.csv")
    with page.expect_navigation(url=f"{base}{SUP_DOCS}"):
        page.get_by_role("button", name="Ladda upp", exact=True).click()
    expect(page.locator("a.doc-link", has_text="Punkter.txt")).to_be_visible()
    expect(page.locator("tr", has_text="Tabell.csv")).to_contain_text("CSV")


def test_active_search_filters_the_list(page, live_server, login, check_a11y):
    base = live_server
    login(page, base, MEMBER)
    page.goto(f"{base}{SUP_DOCS}")
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#q").press_sequentially("trafik", delay=30)
    expect(page.locator("a.doc-link")).to_have_count(1)
    expect(page.locator("a.doc-link")).to_have_text("Trafikmätningar 2025")
    expect(page).to_have_url(re.compile(r"q=trafik"))
    check_a11y(page, "the document list after an active search")


def test_convener_deletes_a_document_and_restores_it_from_the_trash(
    page, live_server, login, check_a11y
):
    base = live_server
    login(page, base, CONVENER)
    page.goto(f"{base}{SUP_DOCS}")
    page.locator("a.doc-link", has_text="Remisser att bevaka").click()
    page.get_by_role("link", name="Ändra uppgifter").click()
    page.locator("#description").fill("Uppdateras varje månad.")
    page.get_by_label("Alla inloggade i samarbetet").check()
    check_a11y(page, "the edit details form")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Uppgifterna är sparade.")).to_be_visible()
    expect(page.get_by_text("Uppdateras varje månad.")).to_be_visible()
    page.get_by_role("button", name="Flytta till papperskorgen").click()
    expect(page).to_have_url(f"{base}{SUP_DOCS}")
    expect(page.get_by_text("”Remisser att bevaka” har flyttats till papperskorgen.")
           ).to_be_visible()
    expect(page.locator("a.doc-link", has_text="Remisser att bevaka")).to_have_count(0)

    page.get_by_role("link", name=re.compile("Papperskorgen")).click()
    expect(heading(page, 2)).to_have_text("Papperskorgen")
    row = page.locator("tr", has_text="Remisser att bevaka")
    expect(row).to_contain_text("Sara Ekholm")
    expect(page.get_by_role("button", name="Töm papperskorgen")).to_have_count(0)
    check_a11y(page, "the trash")
    row.get_by_role("button", name=re.compile("Återställ")).click()
    expect(page.get_by_text("”Remisser att bevaka” är återställt.")).to_be_visible()
    expect(page.get_by_text("Papperskorgen är tom.")).to_be_visible()
    page.goto(f"{base}{SUP_DOCS}")
    expect(page.locator("a.doc-link", has_text="Remisser att bevaka")).to_be_visible()


def test_secretariat_empties_the_trash_after_confirming(page, live_server, login, check_a11y):
    base = live_server
    login(page, base, "elin.strand@huddinge.example")
    page.goto(f"{base}/natverk/klimat/dokument/")
    page.locator("a.doc-link", has_text="Laddplatser per kommun").click()
    page.get_by_role("button", name="Flytta till papperskorgen").click()
    page.get_by_role("link", name=re.compile("Papperskorgen")).click()
    expect(page.locator("tr", has_text="Laddplatser per kommun")).to_be_visible()
    check_a11y(page, "the trash as the secretariat")
    confirm = page.get_by_label("Jag förstår att dokumenten tas bort för gott")
    expect(confirm).to_have_attribute("required", "")  # the browser asks before anything
    page.get_by_label("Jag förstår att dokumenten tas bort för gott").check()
    page.get_by_role("button", name="Töm papperskorgen").click()
    expect(page.get_by_text("Papperskorgen är tömd (1 dokument).")).to_be_visible()
    expect(page.get_by_text("Papperskorgen är tom.")).to_be_visible()


def test_page_preview_history_and_comparison(page, live_server, login, check_a11y):
    base = live_server
    login(page, base, MEMBER)
    page.goto(f"{base}{SUP_DOCS}ny-sida")
    check_a11y(page, "the new page form")
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#title").fill("Frågor till Trafikverket")
    page.locator("#body").fill("## Frågor\n\n- **Tidplan** för väg 73\n- <script>x</script>")
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator("#preview")
    expect(preview.locator("h4", has_text="Frågor")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("Tidplan")
    expect(preview.locator("script")).to_have_count(0)
    expect(page).to_have_url(f"{base}{SUP_DOCS}ny-sida")
    check_a11y(page, "the new page form with a preview")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Sidan är skapad.")).to_be_visible()
    check_a11y(page, "a text page")

    page.get_by_role("link", name="Redigera").click()
    page.locator("#body").fill("## Frågor\n\n- **Tidplan** för väg 73 och väg 259")
    page.locator("#note").fill("Väg 259")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_role("link", name="Historik").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    check_a11y(page, "a page's history")
    page.get_by_role("button", name="Jämför").click()
    expect(page.locator(".diff ins")).to_contain_text("och väg 259")
    check_a11y(page, "the comparison of two versions")
    page.get_by_role("link", name="Tillbaka till historiken").click()
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.locator(".markdown")).not_to_contain_text("259")
    check_a11y(page, "an earlier version of a page")


def test_a_save_after_the_login_ended_shows_the_text_to_copy(
    page, live_server, login, check_a11y, console, app
):
    from sqlalchemy import update

    from intranet import clock
    from intranet.auth.models import LoginSession
    from intranet.extensions import db

    base = live_server
    console.allow(r"status of 401")
    login(page, base, MEMBER)
    page.goto(f"{base}{SUP_DOCS}ny-sida")
    page.locator("#title").fill("Viktigt utkast")
    page.locator("#body").fill("En lång text som inte får försvinna.")
    with app.app_context():
        db.session.execute(update(LoginSession).values(revoked_at=clock.utcnow()))
        db.session.commit()
        db.session.remove()
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(heading(page, 1)).to_have_text("Du har loggats ut")
    expect(page.get_by_label("Text")).to_have_value("En lång text som inte får försvinna.")
    expect(page.get_by_label("Rubrik")).to_have_value("Viktigt utkast")
    check_a11y(page, "the page that keeps the text after the login ended")


def test_two_people_edit_the_same_page_and_the_second_keeps_their_text(
    page, browser, live_server, login, check_a11y, console
):
    base = live_server
    console.allow(r"status of 409")
    other_context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    other_context.set_default_timeout(TIMEOUT_MS)
    other = other_context.new_page()
    other_errors: list[str] = []
    other.on("console", lambda m: m.type == "error" and other_errors.append(m.text))
    try:
        login(page, base, MEMBER)
        login(other, base, CONVENER)
        for p in (page, other):
            p.goto(f"{base}{SUP_DOCS}")
            p.locator("a.doc-link", has_text="Minnesanteckningar 12 mars").click()
            p.get_by_role("link", name="Redigera").click()
            expect(p.locator("#body")).to_contain_text("Närvarande")

        other.locator("#body").fill("# Minnesanteckningar\n\nSara: mötet flyttas till 10 april.")
        other.get_by_role("button", name="Spara", exact=True).click()
        expect(other.get_by_text("Sidan är sparad.")).to_be_visible()

        mine = "# Minnesanteckningar\n\nAhmed: Botkyrka skickar underlag senast 1 april."
        page.locator("#body").fill(mine)
        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.get_by_role("heading", name="Någon annan har sparat sidan medan du skrev")
               ).to_be_visible()
        expect(page.locator("#body")).to_have_value(mine)
        expect(page.locator(".conflict__current pre")).to_contain_text("flyttas till 10 april")
        expect(page.locator(".conflict .diff ins").first).to_be_visible()
        check_a11y(page, "the edit conflict view")

        merged = ("# Minnesanteckningar\n\nSara: mötet flyttas till 10 april.\n\n"
                  "Ahmed: Botkyrka skickar underlag senast 1 april.")
        page.locator("#body").fill(merged)
        page.get_by_role("button", name="Spara min text").click()
        expect(page.get_by_text("Sidan är sparad.")).to_be_visible()
        expect(page.locator(".markdown")).to_contain_text("flyttas till 10 april")
        expect(page.locator(".markdown")).to_contain_text("skickar underlag senast 1 april")
        assert not [e for e in other_errors if "status of" not in e], other_errors
    finally:
        other_context.close()
