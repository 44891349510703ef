"""Two people edit the same text page in Chromium: the second gets the three texts (the one
both started from, the other person's changes, their own) with their text kept, side by side
on a wide screen and stacked on a phone; then an old revision is restored from the history,
after a confirmation. axe-core checks every state; the `page` fixture fails on console or CSP
errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MEMBER = "ahmed.karimi@botkyrka.example"  # SUP member
CONVENER = "sara.ekholm@huddinge.example"  # SUP convener
SUP_DOCS = "/natverk/sup/dokument/"
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
PAGE_TITLE = "Minnesanteckningar 12 mars"


def open_editor(page, base):
    page.goto(f"{base}{SUP_DOCS}")
    page.locator("a.doc-link", has_text=PAGE_TITLE).click()
    page.get_by_role("link", name="Redigera").click()
    expect(page.locator("#body")).to_contain_text("Närvarande")


def test_the_second_editor_sees_three_texts_keeps_theirs_and_an_old_version_is_restored(
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
        open_editor(page, base)
        open_editor(other, base)
        original = page.locator("#body").input_value()

        other.locator("#body").fill(original + "\n\nSara: mötet flyttas till 10 april.")
        other.get_by_role("button", name="Spara", exact=True).click()
        expect(other.get_by_text("Sidan är sparad.")).to_be_visible()

        mine = original + "\n\nAhmed: Botkyrka skickar underlag senast 1 april."
        page.locator("#body").fill(mine)
        page.get_by_role("button", name="Spara", exact=True).click()
        conflict = page.locator("section.conflict")
        expect(conflict.get_by_role("heading", name="Någon annan har sparat sidan medan du skrev")
               ).to_be_visible()
        base_column = conflict.locator(".conflict__base")
        theirs = conflict.locator(".conflict__current")
        own = conflict.locator(".conflict__mine")
        expect(base_column.get_by_role("heading", name="Texten ni båda utgick från")
               ).to_be_visible()
        expect(base_column.locator("pre")).to_have_text(original)
        expect(theirs.get_by_role("heading", name="Sara Ekholms ändringar")).to_be_visible()
        expect(theirs.locator(".diff ins", has_text="flyttas till 10 april")).to_be_visible()
        expect(own.get_by_role("heading", name="Dina ändringar")).to_be_visible()
        expect(own.locator(".diff ins", has_text="skickar underlag senast 1 april")
               ).to_be_visible()
        # Neither side's addition is in the other's column.
        expect(theirs.locator(".diff")).not_to_contain_text("skickar underlag")
        expect(own.locator(".diff")).not_to_contain_text("flyttas till 10 april")
        expect(page.locator("#body")).to_have_value(mine)
        # Side by side on a wide screen.
        boxes = [c.bounding_box() for c in (base_column, theirs, own)]
        assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
        check_a11y(page, "the three-text conflict view")

        # Stacked on a phone, in reading order, nothing wider than the screen.
        page.set_viewport_size(PHONE)
        boxes = [c.bounding_box() for c in (base_column, theirs, own)]
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        assert all(b["x"] + b["width"] <= PHONE["width"] for b in boxes)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_a11y(page, "the three-text conflict view on a phone")
        page.set_viewport_size(VIEWPORT)

        merged = (original + "\n\nSara: mötet flyttas till 10 april."
                  "\n\nAhmed: Botkyrka skickar underlag senast 1 april.")
        page.locator("#body").fill(merged)
        page.get_by_role("button", name="Spara min text").click()
        expect(page.get_by_text("Sidan är sparad.")).to_be_visible()
        expect(page.locator(".markdown")).to_contain_text("skickar underlag senast 1 april")

        # Back to the first version, from the history, after confirming.
        page.get_by_role("link", name="Historik").click()
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.first.get_by_role("link", name=re.compile("Återställ"))).to_have_count(0)
        check_a11y(page, "the history with restore links")
        rows.last.get_by_role("link", name=re.compile("Återställ den här versionen")).click()
        expect(page.get_by_role("heading", level=2)).to_have_text(
            f"Återställ version 1: {PAGE_TITLE}")
        expect(page.get_by_text("sparas som en ny version, version 4")).to_be_visible()
        expect(page.locator(".diff del", has_text="skickar underlag").first).to_be_visible()
        check_a11y(page, "the restore confirmation")
        page.get_by_label("Varför återställs versionen?").fill("Tillägg görs i nästa möte")
        page.get_by_role("button", name="Återställ version 1").click()

        expect(page.get_by_text("Version 1 är återställd och är nu den aktuella versionen "
                                "(version 4).")).to_be_visible()
        expect(rows).to_have_count(4)
        expect(rows.first).to_contain_text("Återställd från version 1. Tillägg görs i nästa möte")
        expect(rows.first).to_contain_text("Ahmed Karimi")
        check_a11y(page, "the history after restoring")
        page.get_by_role("link", name="Tillbaka till sidan").click()
        expect(page.locator(".markdown")).not_to_contain_text("skickar underlag")
        expect(page.locator(".markdown")).not_to_contain_text("flyttas till 10 april")
        assert not [e for e in other_errors if "status of" not in e], other_errors
    finally:
        other_context.close()
