"""A small browser for the benchmark: cookies, the CSRF token, htmx headers and saves that
carry the version they started from. It talks HTTP to the server, or to the app
in-process through Flask's test client when queries are counted."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode

from bench.pages import Page, Targets
from intranet.demo.load import LOAD_PASSWORD, ROLE_EMAILS

_CSRF_INPUT = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
_CSRF_HEADER = re.compile(rb'X-CSRFToken&#34;: &#34;([^&]+)&#34;|"X-CSRFToken": "([^"]+)"')
_VERSION = re.compile(rb'name="version"[^>]*value="(\d+)"')


class HttpTransport:
    """HTTP/1.1 to host:port, with a cookie jar of its own. With `keep_alive` off, every
    request comes on a new connection, as from a reverse proxy that does not keep its
    upstream connections open (nginx's default): gunicorn's workers share the connections
    as they accept them. A kept-alive connection stays with the worker that accepted it, and
    with 20 of them one of two workers took most of the load."""

    def __init__(self, host: str, port: int, keep_alive: bool = True):
        self.host, self.port = host, port
        self.keep_alive = keep_alive
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, headers: dict, body=None, keep_cookies=True):
        if self.cookies:
            headers = {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in
                                                      self.cookies.items())}
        if not self.keep_alive:
            headers = {**headers, "Connection": "close"}
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if not self.keep_alive:
                    self.conn.close()  # the next request connects again
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()  # the server closed an idle connection: open a new one
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        for name, value in response.getheaders() if keep_cookies else ():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data


class FlaskTransport:
    """The app in-process (Flask's test client keeps the cookies)."""

    def __init__(self, app):
        self.client = app.test_client()

    def send(self, method: str, path: str, headers: dict, body=None, keep_cookies=True):
        kept = [(c.key, c.value, c.domain, c.path) for c in self.client._cookies.values()]
        response = self.client.open(path, method=method, headers=headers, data=body)
        data = response.get_data()
        response.close()
        if not keep_cookies:
            self.client._cookies.clear()
            for key, value, domain, cookie_path in kept:
                self.client.set_cookie(key, value, domain=domain, path=cookie_path)
        return response.status_code, dict(response.headers), data


class Browser:
    def __init__(self, transport):
        self.transport = transport
        self.csrf: str | None = None
        self.versions: dict[str, int] = {}
        self.saves = 0

    def request(self, method: str, path: str, form: dict | None = None, htmx: bool = False,
                keep_cookies: bool = True):
        headers = {}
        if htmx:
            headers["HX-Request"] = "true"
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.transport.send(method, path, headers, body, keep_cookies)

    def login(self, role: str) -> None:
        if role == "anonymous":
            return
        status, _, page = self.request("GET", "/logga-in")
        token = _CSRF_INPUT.search(page).group(1).decode()
        status, _, _ = self.request("POST", "/logga-in", {
            "email": ROLE_EMAILS[role], "password": LOAD_PASSWORD, "csrf_token": token})
        if status != 303:
            raise RuntimeError(f"login as {role} failed: {status}")
        _, _, start = self.request("GET", "/")  # the session's new CSRF token
        match = _CSRF_HEADER.search(start)
        self.csrf = (match.group(1) or match.group(2)).decode()

    def visit(self, page: Page, targets: Targets, user: int, url: str | None = None,
              version_url: str | None = None) -> int:
        """One request of the page; a save reads its version first, once."""
        url = url or page.url(targets, user)
        if page.form is None:
            return self.request(page.method, url, htmx=page.htmx)[0]
        if page.name not in self.versions:
            _, _, body = self.request("GET", version_url or page.version_url(targets, user),
                                      htmx=page.htmx)
            self.versions[page.name] = int(_VERSION.search(body).group(1))
        self.saves += 1
        form = page.form(targets, user, self.saves, self.versions[page.name])
        # A save answered with a redirect puts its message in the session cookie, and the
        # browser then fetches the page it leads to, which shows the message and takes it out
        # again. That page is measured on its own, so it is not fetched here; the cookie is
        # kept as it was, as it is after that page (otherwise the messages would pile up in
        # it, past what a browser keeps, and each request would carry them all).
        status = self.request(page.method, url, form, htmx=page.htmx,
                              keep_cookies=303 not in page.expect)[0]
        if status in page.expect:
            self.versions[page.name] += 1
        else:
            del self.versions[page.name]  # read it again next time
        return status
