"""Headers, cookies, error pages and request limits."""

import re

import pytest

from intranet import create_app
from intranet.config import Config
from tests.conftest import CSRF_RE, PASSWORD, Client
from tests.test_production import BASE, production_settings


class ProductionBrowser:
    """What a browser gets from an app configured for production, at BASE_URL over HTTPS."""

    def __init__(self, app):
        self.http = app.test_client()

    def get(self, url, **kwargs):
        return self.http.get(url, base_url=BASE, **kwargs)

    def post(self, url, **kwargs):
        return self.http.post(url, base_url=BASE, **kwargs)


@pytest.fixture
def browser(app, make_app):
    return ProductionBrowser(make_app("production", **production_settings(app)))


def _cookies(response) -> dict[str, set[str]]:
    """Each cookie a response sets: its name and its attributes (the value and dates left
    out), as a browser reads them."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name_value, *attributes = (part.strip() for part in header.split(";"))
        cookies[name_value.split("=", 1)[0]] = {
            a for a in attributes if not a.startswith(("Expires=", "Max-Age="))}
    return cookies


def test_every_response_carries_the_security_headers(app, world, login_as):
    c = login_as("member")
    for url in ["/", "/natverk/", "/natverk/plan", "/organisation/", "/logga-in",
                "/finns-inte", "/static/css/app.css"]:
        response = c.get(url)
        response.close()
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        for part in ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                     "base-uri 'self'", "form-action 'self'"]:
            assert part in csp, (url, part)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Server" not in headers


def test_pages_are_not_cached(app, world, login_as):
    assert login_as("member").get("/").headers["Cache-Control"] == "no-store"


def test_hsts_only_in_production(app, world, client, browser):
    assert "Strict-Transport-Security" not in client.get("/logga-in").headers
    for url in ["/logga-in", "/finns-inte", "/static/css/app.css"]:
        response = browser.get(url)
        response.close()
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"), url


def test_every_cookie_production_sets_is_secure_httponly_and_lax(app, world, browser):
    with app.app_context():
        email = world.person("member").email
    page = browser.get("/logga-in")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    login = browser.post("/logga-in", data={"csrf_token": token, "email": email,
                                             "password": PASSWORD},
                         headers={"Referer": f"{BASE}/logga-in"})
    assert login.status_code == 303
    flags = {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"}
    assert _cookies(page) == {"samverkan_session": flags}
    # The session, and the browser known to the account (login throttling); no remember-me.
    assert _cookies(login) == {"samverkan_session": flags, "samverkan_device": flags}


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_takes_requests_up_to_50_mb(app, world, browser):
    limit = 50 * 1024 * 1024
    headers = {"Referer": f"{BASE}/"}
    at_limit = browser.post("/sprak", data=b"x" * limit, headers=headers,
                            content_type="application/octet-stream")
    assert at_limit.status_code == 400  # refused for its missing CSRF token, not its size
    over = browser.post("/sprak", data=b"x" * (limit + 1), headers=headers,
                        content_type="application/octet-stream")
    assert over.status_code == 413
    assert "Filen är för stor" in over.get_data(as_text=True)


def test_oversized_request_gets_swedish_413(app, world, login_as):
    c = login_as("member")
    token = c.csrf_token()
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = c.http.post("/sprak", data={"csrf_token": token, "lang": "en", "pad": big})
    assert response.status_code == 413
    assert "Filen är för stor" in response.get_data(as_text=True)


def test_not_found_is_a_swedish_page(app, world, login_as):
    response = login_as("member").get("/natverk/finns-inte")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def test_htmx_error_is_a_fragment_for_the_live_region(app, world, login_as):
    response = login_as("member").get("/natverk/finns-inte", htmx=True)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Sidan finns inte" in body
    assert response.headers["HX-Retarget"] == "#messages"


def test_unexpected_error_shows_a_correlation_id_and_no_trace(app, world, make_app, caplog):
    broken = make_app()

    @broken.get("/krasch")
    def crash():
        raise ValueError("hemlig intern detalj")

    client = Client(broken)
    with app.app_context():
        assert client.login(world.person("member").email).status_code == 303
    response = client.get("/krasch")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Något gick fel" in body
    assert "Felkod:" in body
    assert "hemlig intern detalj" not in body and "Traceback" not in body
    assert "hemlig intern detalj" in caplog.text  # but it is in the log


def test_production_sends_the_documented_content_security_policy(world, browser):
    for url in ["/logga-in", "/finns-inte", "/static/css/app.css"]:
        response = browser.get(url)
        response.close()
        policy = dict(directive.split(" ", 1) for directive in
                      response.headers["Content-Security-Policy"].split("; "))
        assert policy == {
            "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
            "img-src": "'self'", "font-src": "'self'", "connect-src": "'self'",
            "frame-ancestors": "'none'", "object-src": "'none'", "base-uri": "'self'",
            "form-action": "'self'",
        }, url


def test_htmx_is_configured_for_the_strict_csp(client):
    import html
    import json
    import re

    page = client.get("/logga-in").get_data(as_text=True)
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page)
    config = json.loads(html.unescape(meta.group(1)))
    assert config["selfRequestsOnly"] is True
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["historyCacheSize"] == 0
    assert config["includeIndicatorStyles"] is False
    assert '/static/vendor/htmx.min.js' in page
    assert "<script>" not in page and " on" + "click=" not in page


def test_csrf_token_rides_on_every_htmx_request(world, login_as):
    import html
    import json

    page = login_as("member").get("/").get_data(as_text=True)
    attribute = re.search(r"<body hx-headers='([^']+)'>", page).group(1)
    assert len(json.loads(html.unescape(attribute))["X-CSRFToken"]) > 20


def test_csv_cells_never_start_a_formula():
    from intranet.text import csv_cell

    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_cell("+46 8 123") == "'+46 8 123"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("Planeringsnätverket") == "Planeringsnätverket"
    assert csv_cell(None) == "" and csv_cell(3) == "3"


def test_numbers_beyond_the_database_are_unknown_not_errors(world, login_as):
    c = login_as("secretariat")
    huge = 2**63
    assert c.get(f"/natverk/?fokus={huge}").status_code == 200
    assert c.get(f"/kansliet/personer/{huge}").status_code == 404
    assert c.get(f"/kansliet/logg?person={huge}&sida={huge}").status_code == 200
    assert c.get(f"/organisation/personer/{2**31}").status_code == 404
