"""Headers, cookies, error pages and request limits."""

import re

import pytest

from intranet import create_app
from intranet.config import Config
from intranet.security import CSP
from tests.conftest import Client


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


def test_hsts_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/logga-in").headers
    assert Config.HSTS is True


def test_production_cookies_are_secure_httponly_lax():
    assert Config.SESSION_COOKIE_SECURE is True
    assert Config.SESSION_COOKIE_HTTPONLY is True
    assert Config.SESSION_COOKIE_SAMESITE == "Lax"
    assert Config.REMEMBER_COOKIE_SECURE is True
    assert Config.REMEMBER_COOKIE_HTTPONLY is True


def test_session_cookie_flags_as_sent(app, world, client):
    with app.app_context():
        email = world.person("member").email
    response = client.login(email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_upload_limit_is_set():
    assert Config.MAX_CONTENT_LENGTH == 50 * 1024 * 1024


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


def test_csp_is_the_documented_one():
    assert CSP.startswith("default-src 'self'")


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
