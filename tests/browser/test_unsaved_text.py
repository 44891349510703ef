"""Text not yet saved is not lost by leaving the page by mistake: the editors (a text page, a
response's section, a cell of the action list) ask first through the browser's own dialog
(static/js/unsaved.js, beforeunload), and saving asks nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MEMBER = "ahmed.karimi@botkyrka.example"  # SUP member
CONVENER = "sara.ekholm@huddinge.example"  # SUP convener


class Dialogs:
    """The dialogs the page opened; each is dismissed (the person stays on the page)."""

    def __init__(self, page):
        self.page = page
        self.types: list[str] = []
        page.on("dialog", self._seen)

    def _seen(self, dialog) -> None:
        self.types.append(dialog.type)
        dialog.dismiss()

    def wait_for(self, count: int) -> list[str]:
        """The dialogs once there are `count` of them (or after 5 s)."""
        for _ in range(100):
            if len(self.types) >= count:
                break
            self.page.wait_for_timeout(50)
        return self.types


def test_text_page_editor_warns_before_leaving_and_saves_without_a_warning(
    page, live_server, login, check_a11y
):
    dialogs = Dialogs(page)
    login(page, live_server, MEMBER)
    page.goto(f"{live_server}/natverk/sup/dokument/ny-sida")
    expect(page.get_by_role("heading", level=2, name="Ny textsida")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")

    # Nothing typed yet: leaving asks nothing.
    page.get_by_role("link", name="Avbryt").click()
    expect(page).to_have_url(f"{live_server}/natverk/sup/dokument/")
    assert dialogs.types == []

    page.go_back()
    expect(page.get_by_role("heading", level=2, name="Ny textsida")).to_be_visible()
    page.get_by_label("Rubrik").fill("Mötesanteckningar")
    page.get_by_label("Text", exact=True).click()
    page.keyboard.type("Viktiga beslut från mötet.")
    page.get_by_role("link", name="Avbryt").click()
    assert dialogs.wait_for(1) == ["beforeunload"]
    # The person chose to stay: the page and the text are still there.
    expect(page).to_have_url(f"{live_server}/natverk/sup/dokument/ny-sida")
    expect(page.get_by_label("Text", exact=True)).to_have_value("Viktiga beslut från mötet.")

    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Mötesanteckningar")).to_be_visible()
    assert dialogs.types == ["beforeunload"]
    check_a11y(page, "the saved text page")


def test_section_editor_warns_and_a_form_back_with_an_error_warns_at_once(
    page, live_server, login, console
):
    console.allow(r"status of 422")
    dialogs = Dialogs(page)
    login(page, live_server, MEMBER)
    page.goto(f"{live_server}/natverk/sup/remissvar/")
    page.get_by_role("link", name="Kollektivtrafikplan 2050").first.click()
    page.get_by_role("link", name="Redigera Sammanfattning").click()
    body = page.locator("#body")
    expect(body).to_contain_text("tvärförbindelser")
    response_url = page.url
    body.click()
    page.keyboard.press("End")
    page.keyboard.type(" Och en mening till.")
    page.get_by_role("link", name="Avbryt").click()
    assert dialogs.wait_for(1) == ["beforeunload"]
    expect(page).to_have_url(response_url)

    # A title left empty: the form comes back with the text not saved, which warns at once.
    page.get_by_label("Rubrik").fill("")
    page.get_by_role("button", name="Spara avsnittet").click()
    expect(page.get_by_role("alert")).to_contain_text("Avsnittet är inte sparat")
    page.get_by_label("Rubrik").click()  # the browser asks only after the person did something
    page.get_by_role("link", name="Avbryt").click()
    assert dialogs.wait_for(2) == ["beforeunload", "beforeunload"]

    page.get_by_label("Rubrik").fill("Sammanfattning")
    page.get_by_role("button", name="Spara avsnittet").click()
    expect(page.get_by_text("Avsnittet ”Sammanfattning” är sparat.")).to_be_visible()
    assert len(dialogs.types) == 2


def test_a_cell_editor_warns_until_it_is_saved_or_cancelled(page, live_server, login):
    dialogs = Dialogs(page)
    main_menu = page.get_by_role("navigation", name="Huvudmeny")
    login(page, live_server, CONVENER)
    page.goto(f"{live_server}/natverk/sup/handlingsplan/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_role("link", name="Ändra kommentar, rad 1").click()
    editor = page.get_by_role("textbox", name="Kommentar, rad 1")
    expect(editor).to_be_focused()
    page.keyboard.type(" Uppföljning i maj.")
    main_menu.get_by_role("link", name="Organisation").click()
    assert dialogs.wait_for(1) == ["beforeunload"]
    expect(editor).to_be_visible()

    editor.press("Escape")  # cancelled: the editor is gone, and so is the warning
    expect(editor).to_have_count(0)
    main_menu.get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", level=1, name="Organisation")).to_be_visible()
    assert dialogs.types == ["beforeunload"]
