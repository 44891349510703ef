"""Every endpoint × every role: the status each role gets. An endpoint that is in the URL map
but not in this table fails test_every_endpoint_is_in_the_matrix."""

import pytest

from tests.conftest import ROLES
from tests.document_fixtures import (
    FILE_ID,
    PAGE_ID,
    REVISION_IDS,
    TRASHED_ID,
    VERSION_IDS,
    build_documents,
)

LOGGED_IN = [r for r in ROLES if r != "anonymous"]


def everyone(status):
    return {role: status for role in ROLES}


def logged_in(status, anonymous=302):
    return {"anonymous": anonymous, **{role: status for role in LOGGED_IN}}


def network_workers(allowed, refused, anonymous=302, **overrides):
    """The network's members and the secretariat get `allowed`; everyone else logged in
    gets `refused`."""
    row = {"anonymous": anonymous, **{role: refused for role in LOGGED_IN}}
    row.update({"member": allowed, "convener": allowed, "secretariat": allowed})
    row.update(overrides)
    return row


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
    # Documents: every logged-in person sees the list (non-members only the documents shared
    # with everyone); a network-only document is absent (404) to everyone outside.
    ("documents.index", "GET"): logged_in(200),
    ("documents.upload", "GET"): network_workers(200, 403),
    ("documents.upload", "POST"): network_workers(422, 403),
    ("documents.new_page", "GET"): network_workers(200, 403),
    ("documents.new_page", "POST"): network_workers(422, 403),
    ("documents.show", "GET"): network_workers(200, 404),
    ("documents.download", "GET"): network_workers(200, 404),
    ("documents.download_version", "GET"): network_workers(200, 404),
    ("documents.new_version", "POST"): network_workers(422, 404),
    ("documents.edit", "GET"): network_workers(200, 404),
    ("documents.edit", "POST"): network_workers(422, 404),
    ("documents.history", "GET"): network_workers(200, 404),
    ("documents.revision", "GET"): network_workers(200, 404),
    ("documents.compare", "GET"): network_workers(200, 404),
    ("documents.delete", "POST"): network_workers(303, 404),
    ("documents.trash", "GET"): network_workers(200, 403, member=403),
    ("documents.restore", "POST"): network_workers(303, 404, member=403),
    ("documents.empty_trash", "POST"): network_workers(303, 403, member=403, convener=403),
}

URL_ARGS = {
    "static": {"filename": "css/app.css"},
    "networks.show": {"slug": "plan"},
    "documents.index": {"slug": "plan"},
    "documents.upload": {"slug": "plan"},
    "documents.new_page": {"slug": "plan"},
    "documents.show": {"slug": "plan", "document_id": FILE_ID},
    "documents.download": {"slug": "plan", "document_id": FILE_ID},
    "documents.download_version": {"slug": "plan", "document_id": FILE_ID,
                                   "version_id": VERSION_IDS[0]},
    "documents.new_version": {"slug": "plan", "document_id": FILE_ID},
    "documents.edit": {"slug": "plan", "document_id": PAGE_ID},
    "documents.history": {"slug": "plan", "document_id": PAGE_ID},
    "documents.revision": {"slug": "plan", "document_id": PAGE_ID,
                           "revision_id": REVISION_IDS[0]},
    "documents.compare": {"slug": "plan", "document_id": PAGE_ID},
    "documents.delete": {"slug": "plan", "document_id": FILE_ID},
    "documents.trash": {"slug": "plan"},
    "documents.restore": {"slug": "plan", "document_id": TRASHED_ID},
    "documents.empty_trash": {"slug": "plan"},
}
# Objects the URLs above point at, created before each row whose endpoint has the prefix.
SETUP = {
    "documents.": build_documents,
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
    for prefix, setup in SETUP.items():
        if endpoint.startswith(prefix):
            setup(app, world)
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
