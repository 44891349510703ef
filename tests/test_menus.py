"""The menus every page shows (intranet/menus.py): what each person may see, the current page
marked, each language and network its own, the same however often they are served."""

from __future__ import annotations

import re

import pytest

from intranet.menus import MENUS

EVERYONE = [("/", "Start"), ("/natverk/", "Alla nätverk"),
            ("/handlingsplan/", "Handlingsplan")]
ORGANISATION = [("/organisation/", "Organisation"), ("/moten", "Möten")]
# The main menu each person sees, in order: what they may use and nothing they may not.
MAIN_MENU = {
    "member": [*EVERYONE, *ORGANISATION],
    "convener": [*EVERYONE, *ORGANISATION],
    "other_member": [*EVERYONE, *ORGANISATION],
    # Directors answer for their municipality's representation and positions.
    "director": [*EVERYONE, ("/remissvar/", "Remissvar"),
                 ("/representation/", "Representation"),
                 ("/representation/tackning", "Täckning"), *ORGANISATION],
    "other_director": [*EVERYONE, ("/remissvar/", "Remissvar"),
                       ("/representation/", "Representation"),
                       ("/representation/tackning", "Täckning"), *ORGANISATION],
    # The committee follows the responses and the coverage, and appoints no one.
    "committee": [*EVERYONE, ("/remissvar/", "Remissvar"),
                  ("/representation/tackning", "Täckning"), *ORGANISATION],
    "secretariat": [*EVERYONE, ("/remissvar/", "Remissvar"),
                    ("/representation/tackning", "Täckning"), *ORGANISATION,
                    ("/kansliet/personer", "Kansliet")],
}


def _menu(html: str, label: str) -> list[tuple[str, str, bool]]:
    """(href, text, current) of the links in the <nav> with that aria-label."""
    nav = re.search(rf'<nav[^>]*aria-label="{re.escape(label)}"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, f"no menu {label!r}"
    return [(href, text, bool(current)) for href, current, text in re.findall(
        r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', nav.group(1))]


@pytest.mark.parametrize("role", MAIN_MENU)
def test_the_main_menu_shows_what_the_person_may_use(world, login_as, role):
    shown = _menu(login_as(role).get("/").get_data(as_text=True), "Huvudmeny")
    assert [(href, text) for href, text, _current in shown] == MAIN_MENU[role]


@pytest.mark.parametrize("role", MAIN_MENU)
def test_every_entry_of_the_main_menu_opens_for_the_person(world, login_as, role):
    c = login_as(role)
    for href, text in MAIN_MENU[role]:
        # Representation leads a director on to their own municipality's page.
        assert c.get(href, follow_redirects=True).status_code == 200, (role, text)


def test_entries_that_need_a_permission_differ_between_roles(world, login_as):
    member = [t for _h, t, _c in _menu(login_as("member").get("/").get_data(as_text=True),
                                       "Huvudmeny")]
    staff = [t for _h, t, _c in _menu(login_as("secretariat").get("/").get_data(as_text=True),
                                      "Huvudmeny")]
    assert "Kansliet" in staff and "Kansliet" not in member


def test_the_current_page_is_marked_in_each_menu_once(world, login_as):
    c = login_as("member")
    for _ in range(2):  # made, then served from the store: the same
        page = c.get("/natverk/plan/dokument/").get_data(as_text=True)
        main = _menu(page, "Huvudmeny")
        tabs = _menu(page, "Nätverkets delar")
        # The member's own network: its pages are the member's own ("Start").
        assert [t for _h, t, current in main if current] == ["Start"]
        assert [t for _h, t, current in tabs if current] == ["Dokument"]
        # Another network's page, and the directory, are under "Alla nätverk".
        for other in ("/natverk/klimat", "/natverk/"):
            shown = _menu(c.get(other).get_data(as_text=True), "Huvudmeny")
            assert [t for _h, t, current in shown if current] == ["Alla nätverk"], other
    start = _menu(c.get("/").get_data(as_text=True), "Huvudmeny")
    assert [t for _h, t, current in start if current] == ["Start"]


def test_a_networks_tabs_lead_to_that_network(world, login_as):
    c = login_as("secretariat")
    plan = _menu(c.get("/natverk/plan").get_data(as_text=True), "Nätverkets delar")
    klimat = _menu(c.get("/natverk/klimat").get_data(as_text=True), "Nätverkets delar")
    assert [h for h, _t, _c in plan] == ["/natverk/plan", "/natverk/plan/dokument/",
                                         "/natverk/plan/remissvar/",
                                         "/natverk/plan/handlingsplan/"]
    assert all(h.startswith("/natverk/klimat") for h, _t, _c in klimat)
    assert [t for _h, t, current in plan if current] == ["Översikt och ledamöter"]


def test_menus_follow_the_language(world, login_as):
    c = login_as("secretariat")
    swedish = _menu(c.get("/natverk/plan").get_data(as_text=True), "Huvudmeny")
    c.post("/sprak", {"lang": "en", "next": "/"})
    page = c.get("/natverk/plan").get_data(as_text=True)
    english = [t for _h, t, _c in _menu(page, "Main menu")]
    assert "Home" in english and "Start" not in english
    assert len(english) == len(swedish)
    assert "Overview and members" in [t for _h, t, _c in _menu(page, "The network's sections")]
    c.post("/sprak", {"lang": "sv"})
    again = _menu(c.get("/natverk/plan").get_data(as_text=True), "Huvudmeny")
    assert again == swedish


def test_the_secretariats_tools_mark_their_section(world, login_as):
    c = login_as("secretariat")
    tools = _menu(c.get("/kansliet/natverk").get_data(as_text=True), "Kansliets verktyg")
    assert [t for _h, t, current in tools if current] == ["Nätverk"]
    assert len(tools) == 4


def test_labels_and_urls_are_escaped(app, monkeypatch):
    from intranet.menus import Entry, menu

    monkeypatch.setitem(MENUS, "escaping", (Entry("networks.show", "A & <b>B</b>", ("x.",)),))
    with app.test_request_context("/"):
        made = str(menu("escaping", slug='a"b<c&d'))
    assert "<b>" not in made and "A &amp; &lt;b&gt;B&lt;/b&gt;" in made
    assert 'href="/natverk/a%22b%3Cc&amp;d"' in made
