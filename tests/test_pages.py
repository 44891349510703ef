"""The pages as a logged-in person sees them, through HTTP."""

import re

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.extensions import db
from intranet.org.models import Network


def test_start_page_lists_only_my_networks_with_my_role(world, login_as):
    page = login_as("convener").get("/").get_data(as_text=True)
    assert "Planeringsnätverket" in page and "Sammankallande" in page
    assert "Klimatnätverket" not in page


def test_start_page_without_networks_shows_seats_and_a_way_on(world, login_as):
    page = login_as("committee").get("/").get_data(as_text=True)
    assert "Du är inte utsedd till något nätverk just nu." in page
    assert "Samarbetskommittén, Alfaby" in page
    assert 'href="/natverk/"' in page


def test_directory_lists_every_network_with_convener_and_focus_areas(world, login_as):
    page = login_as("other_member").get("/natverk/").get_data(as_text=True)
    assert "Planeringsnätverket" in page and "Klimatnätverket" in page
    assert "Kalle Sammankallande" in page
    assert "Infrastruktur" in page
    assert "2 av 3 kommuner" in page


def test_directory_is_paged_in_swedish_order_and_keeps_the_search(app, world, login_as,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "NETWORKS_PER_PAGE", 2)
    with app.app_context():
        for name, slug in (("Ärendenätverket", "arende"), ("Åtgärdsnätverket", "atgard")):
            db.session.add(Network(name=name, short_name=name[:4], slug=slug))
        db.session.commit()

    def cards(page: str) -> list[str]:
        return re.findall(r'class="card__title"[^>]*>\s*<a href="/natverk/([^"]+)"', page)

    member = login_as("member")
    first = member.get("/natverk/?q=N%C3%84TVERKET").get_data(as_text=True)
    assert cards(first) == ["klimat", "plan"]
    assert "4 nätverk" in first and "Sida 1 av 2" in first
    assert 'href="/natverk/?sida=2&amp;q=N%C3%84TVERKET"' in first
    second = member.get("/natverk/?sida=2&q=N%C3%84TVERKET").get_data(as_text=True)
    assert cards(second) == ["atgard", "arende"]  # Å before Ä, both after Z
    beyond = member.get("/natverk/?sida=9&q=N%C3%84TVERKET").get_data(as_text=True)
    assert "4 nätverk" in beyond and "Inga nätverk matchar sökningen." in beyond


def test_directory_search_as_htmx_returns_only_the_results_block(world, login_as):
    response = login_as("member").get("/natverk/?q=klimat", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body
    assert "Klimatnätverket" in body and "Planeringsnätverket" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_directory_search_without_javascript_is_a_whole_page(world, login_as):
    response = login_as("member").get("/natverk/?q=klimat")
    body = response.get_data(as_text=True)
    assert "<html" in body and 'value="klimat"' in body
    assert "Planeringsnätverket" not in body.split('id="results"')[1]
    assert "HX-Request" in response.headers["Vary"]


def test_directory_search_with_nothing_found_says_so(world, login_as):
    body = login_as("member").get("/natverk/?q=zzz").get_data(as_text=True)
    assert "Inga nätverk matchar sökningen." in body


def test_boosted_or_history_restore_requests_get_the_whole_page(world, login_as):
    c = login_as("member")
    for header in ("HX-Boosted", "HX-History-Restore-Request"):
        body = c.get("/natverk/", htmx=True, headers={header: "true"}).get_data(as_text=True)
        assert "<html" in body


def test_network_page_shows_members_by_municipality_and_gaps(world, login_as):
    page = login_as("director").get("/natverk/plan").get_data(as_text=True)
    assert "Ledamöter" in page
    for text in ["Alfaby", "Maja Medlem", "Planeringschef", "Betaholm", "Kalle Sammankallande",
                 "Gammastad", "Ingen utsedd", "Utsedd sedan 1 januari 2020"]:
        assert text in page, text
    assert "Ingen utsedd från: Gammastad." in " ".join(page.split())


def test_unknown_network_is_404(world, login_as):
    assert login_as("secretariat").get("/natverk/nope").status_code == 404


def test_archived_network_is_refused_and_the_refusal_audited(app, world, login_as):
    with app.app_context():
        world.network().archived_at = clock.utcnow()
        db.session.commit()
    assert login_as("secretariat").get("/natverk/plan").status_code == 200
    assert login_as("member").get("/natverk/plan").status_code == 403
    with app.app_context():
        denied = db.session.query(AuditEvent).filter_by(action="access_denied").one()
        assert denied.actor_id == world.ids.member
        assert denied.object_type == "Network" and denied.object_id == world.ids.network
        assert denied.detail["policy_action"] == "view_network"


def test_bodies_page_shows_members_officers_and_vacancies(world, login_as):
    page = " ".join(login_as("member").get("/organisation/").get_data(as_text=True).split())
    assert "Samarbetskommittén" in page and "Ledningsgruppen" in page and "Kansliet" in page
    assert "Ordförande Dora Direktör (Alfaby)" in page
    assert "Sam Kansli" in page
    assert "Vakant" in page  # no committee member for Betaholm


def test_language_switch_to_english_and_back(app, world, login_as):
    c = login_as("member")
    response = c.post("/sprak", {"lang": "en", "next": "/natverk/plan"})
    assert response.status_code == 303 and response.headers["Location"] == "/natverk/plan"
    page = c.get("/natverk/plan").get_data(as_text=True)
    assert '<html lang="en">' in page and "Members" in page and "Nobody appointed" in page
    with app.app_context():
        assert world.person("member").language == "en"
    c.post("/sprak", {"lang": "sv"})
    assert '<html lang="sv">' in c.get("/").get_data(as_text=True)


def test_language_choice_survives_login(app, world, client):
    client.post("/sprak", {"lang": "en", "next": "/logga-in"})
    assert "Log in" in client.get("/logga-in").get_data(as_text=True)
    with app.app_context():
        client.login(world.person("member").email)
    assert "My networks" in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_next(world, login_as):
    c = login_as("member")
    response = c.post("/sprak", {"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="sv">' in c.get("/").get_data(as_text=True)


def test_health_answers_without_login(client):
    assert client.get("/halsa").get_json() == {"status": "ok"}
