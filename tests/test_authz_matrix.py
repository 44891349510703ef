"""Every endpoint × every role: the status each role gets. An endpoint that is in the URL map
but not in this table fails test_every_endpoint_is_in_the_matrix."""

import pytest

from tests.conftest import ROLES

LOGGED_IN = [r for r in ROLES if r != "anonymous"]


def everyone(status):
    return {role: status for role in ROLES}


def logged_in(status, anonymous=302):
    return {"anonymous": anonymous, **{role: status for role in LOGGED_IN}}


# (endpoint, method) → {role: expected status}
MATRIX = {
    ("static", "GET"): everyone(200),
    ("main.health", "GET"): everyone(200),
    ("main.set_language", "POST"): everyone(303),
    ("auth.login", "GET"): {"anonymous": 200, **{r: 303 for r in LOGGED_IN}},
    # An empty login form is invalid (422); a logged-in person is sent on (303).
    ("auth.login", "POST"): {"anonymous": 422, **{r: 303 for r in LOGGED_IN}},
    ("auth.logout", "POST"): logged_in(303),
    ("main.index", "GET"): logged_in(200),
    ("networks.directory", "GET"): logged_in(200),
    ("networks.show", "GET"): logged_in(200),
    ("org.bodies", "GET"): logged_in(200),
}

URL_ARGS = {
    "static": {"filename": "css/app.css"},
    "networks.show": {"slug": "plan"},
}
POST_DATA = {
    "main.set_language": {"lang": "en", "next": "/"},
}


def endpoints(app):
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return found


def test_every_endpoint_is_in_the_matrix(app):
    missing = endpoints(app) - set(MATRIX)
    assert not missing, f"endpoints without a row in the authorization matrix: {missing}"
    stale = set(MATRIX) - endpoints(app)
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


def test_every_row_names_every_role():
    for key, row in MATRIX.items():
        assert set(row) == set(ROLES), key


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX))
def test_route_role_matrix(app, world, login_as, endpoint, method, role):
    client = login_as(role)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **URL_ARGS.get(endpoint, {}))
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(endpoint, {}))
    response.close()
    expected = MATRIX[(endpoint, method)][role]
    assert response.status_code == expected, (endpoint, method, role)
    if expected == 302 and role == "anonymous":
        assert "/logga-in" in response.headers["Location"]
