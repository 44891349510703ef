"""Every endpoint × every role: the status each role gets. An endpoint that is in the URL map
but not in this table fails test_every_endpoint_is_in_the_matrix."""

import pytest

from tests.conftest import ROLES

LOGGED_IN = [r for r in ROLES if r != "anonymous"]


def everyone(status):
    return {role: status for role in ROLES}


def logged_in(status, anonymous=302):
    return {"anonymous": anonymous, **{role: status for role in LOGGED_IN}}


def only(allowed: dict, refused=403):
    """The roles named get their status; every other logged-in role is refused."""
    return {"anonymous": 302, **{role: allowed.get(role, refused) for role in LOGGED_IN}}


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
    ("org.person", "GET"): logged_in(200),
    ("accounts.profile", "GET"): logged_in(200),
    ("accounts.profile", "POST"): logged_in(422),
    ("accounts.password", "GET"): logged_in(200),
    ("accounts.password", "POST"): logged_in(422),
    ("accounts.my_data", "GET"): logged_in(200),
    ("accounts.my_data_json", "GET"): logged_in(200),
    ("main.accessibility", "GET"): everyone(200),
    ("main.accessibility", "POST"): everyone(422),
    # An invitation link with an unknown token: the same answer for everyone.
    ("auth.accept_invitation", "GET"): everyone(410),
    ("auth.accept_invitation", "POST"): everyone(410),
    ("auth.reset_password", "GET"): everyone(410),
    ("auth.reset_password", "POST"): everyone(410),
    ("auth.forgot_password", "GET"): everyone(200),
    ("auth.forgot_password", "POST"): everyone(422),
    # Min kommuns representation: the director of Alfaby and the secretariat; the director of
    # Betaholm is refused Alfaby's page.
    ("appointments.home", "GET"): only({"director": 303, "other_director": 303,
                                         "secretariat": 303}),
    ("appointments.municipality", "GET"): only({"director": 200, "secretariat": 200}),
    ("appointments.appoint_member", "GET"): only({"director": 200, "secretariat": 200}),
    ("appointments.appoint_member", "POST"): only({"director": 422, "secretariat": 422}),
    ("appointments.replace_member", "GET"): only({"director": 200, "secretariat": 200}),
    ("appointments.replace_member", "POST"): only({"director": 422, "secretariat": 422}),
    ("appointments.end_member", "GET"): only({"director": 200, "secretariat": 200}),
    ("appointments.end_member", "POST"): only({"director": 422, "secretariat": 422}),
    ("appointments.coverage_matrix", "GET"): only({"director": 200, "other_director": 200,
                                                    "committee": 200, "secretariat": 200}),
    ("appointments.coverage_csv", "GET"): only({"director": 200, "other_director": 200,
                                                 "committee": 200, "secretariat": 200}),
    ("networks.history", "GET"): {**logged_in(200), "other_member": 403},
    ("networks.edit", "GET"): only({"secretariat": 200}),
    ("networks.edit", "POST"): only({"secretariat": 422}),
    ("networks.convener", "GET"): only({"secretariat": 200}),
    ("networks.convener", "POST"): only({"secretariat": 422}),
    # The secretariat's tools.
    ("admin.people", "GET"): only({"secretariat": 200}),
    ("admin.new_person", "GET"): only({"secretariat": 200}),
    ("admin.new_person", "POST"): only({"secretariat": 422}),
    ("admin.person", "GET"): only({"secretariat": 200}),
    ("admin.person", "POST"): only({"secretariat": 422}),
    ("admin.deactivate", "POST"): only({"secretariat": 303}),
    ("admin.reactivate", "POST"): only({"secretariat": 303}),
    ("admin.bodies", "GET"): only({"secretariat": 200}),
    ("admin.new_seat", "GET"): only({"secretariat": 200}),
    ("admin.new_seat", "POST"): only({"secretariat": 422}),
    ("admin.end_seat_view", "GET"): only({"secretariat": 200}),
    ("admin.end_seat_view", "POST"): only({"secretariat": 422}),
    ("admin.networks", "GET"): only({"secretariat": 200}),
    ("admin.new_network", "GET"): only({"secretariat": 200}),
    ("admin.new_network", "POST"): only({"secretariat": 422}),
    ("admin.archive", "GET"): only({"secretariat": 200}),
    ("admin.archive", "POST"): only({"secretariat": 303}),
    ("admin.restore", "GET"): only({"secretariat": 200}),
    ("admin.restore", "POST"): only({"secretariat": 303}),
    ("admin.audit_log", "GET"): only({"secretariat": 200}),
    ("admin.audit_log_csv", "GET"): only({"secretariat": 200}),
}

URL_ARGS = {
    "static": lambda ids: {"filename": "css/app.css"},
    "networks.show": lambda ids: {"slug": "plan"},
    "networks.history": lambda ids: {"slug": "plan"},
    "networks.edit": lambda ids: {"slug": "plan"},
    "networks.convener": lambda ids: {"slug": "plan"},
    "org.person": lambda ids: {"person_id": ids.member},
    "auth.accept_invitation": lambda ids: {"token": "not-a-real-token"},
    "auth.reset_password": lambda ids: {"token": "not-a-real-token"},
    "appointments.municipality": lambda ids: {"municipality_id": ids.alpha},
    "admin.person": lambda ids: {"person_id": ids.member},
    "admin.deactivate": lambda ids: {"person_id": ids.member},
    "admin.reactivate": lambda ids: {"person_id": ids.member},
    "admin.new_seat": lambda ids: {"body_id": ids.committee_body},
    "admin.end_seat_view": lambda ids: {"seat_id": ids.committee_seat},
    "admin.archive": lambda ids: {"slug": "plan"},
    "admin.restore": lambda ids: {"slug": "plan"},
    "appointments.appoint_member": lambda ids: {"municipality_id": ids.alpha, "slug": "plan"},
    "appointments.replace_member": lambda ids: {"appointment_id": ids.member_appointment},
    "appointments.end_member": lambda ids: {"appointment_id": ids.member_appointment},
}
# A POST with these fields; other POSTs send only the CSRF token (an invalid form).
POST_DATA = {
    "main.set_language": {"lang": "en", "next": "/"},
    "networks.edit": {"name": ""},
    "accounts.profile": {"name": ""},
    "appointments.end_member": {"to_date": "inte-ett-datum"},
    "admin.person": {"name": ""},
    "admin.end_seat_view": {"to_date": ""},
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

        args = URL_ARGS.get(endpoint)
        url = url_for(endpoint, **(args(world.ids) if args else {}))
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(endpoint, {}))
    response.close()
    expected = MATRIX[(endpoint, method)][role]
    assert response.status_code == expected, (endpoint, method, role)
    if expected == 302 and role == "anonymous":
        assert "/logga-in" in response.headers["Location"]
