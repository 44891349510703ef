"""Browser fixtures: the session's app served on a free local port, one Chromium for the
session, and a fresh browser context per test that records console errors and page errors.

The app sends a strict Content-Security-Policy, so every test fails when the browser reports
a CSP violation or any other error in the console. axe-core is injected with page.evaluate
(an inline <script> would itself be blocked by the CSP)."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from intranet.demo.seed import DEMO_PASSWORD, seed_demo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORT = {"width": 1280, "height": 900}
# Playwright's default is 30 s; a local app answers in milliseconds, so fail fast.
TIMEOUT_MS = 10_000


def _unavailable(reason: str):
    """No browser here: skip locally, but never in CI, where a skip would hide the suite."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- server and browser


class _LiveHandler(WSGIRequestHandler):
    """Werkzeug's development server skips closing a response (a static file's open handle,
    say) when the browser resets the connection while the server reads what is left of the
    request; the handle then warns when it is collected, in whatever test runs at the time.
    The dropped connection's response is closed here."""

    def connection_dropped(self, error, environ=None) -> None:
        iterable = (environ or {}).get(_RESPONSE_KEY)
        if iterable is not None and hasattr(iterable, "close"):
            iterable.close()


_RESPONSE_KEY = "tests.live_server.response"


def _closing(app):
    """The app, its response remembered in the environ for _LiveHandler."""

    def wsgi(environ, start_response):
        environ[_RESPONSE_KEY] = iterable = app(environ, start_response)
        return iterable

    return wsgi


@pytest.fixture(scope="session")
def _live_server(app):
    """The session's app on 127.0.0.1 and a free port, in a daemon thread. The tables are
    emptied after each test by tests/conftest.py; the server keeps running on the same
    database, so each test seeds the data it needs."""
    server = make_server("127.0.0.1", 0, _closing(app), threaded=True,
                         request_handler=_LiveHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_server(app, _live_server):
    """The live server's address, which is the app's BASE_URL during the test, as in
    production: the links in mail lead to it."""
    base, app.config["BASE_URL"] = app.config["BASE_URL"], _live_server
    yield _live_server
    app.config["BASE_URL"] = base


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    except PlaywrightError as error:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


# ---------------------------------------------------------------- console recording


@dataclass
class ConsoleLog:
    """Every console error and uncaught page error of one test's browser context.

    A test that provokes an error on purpose (a 401 that htmx turns into a redirect) declares
    it with allow(); CSP violations can never be allowed."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)
    reported: int = 0  # errors[:reported] already failed the test; not reported twice

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self, errors: list[str]) -> list[str]:
        return [
            e for e in errors
            if "Content Security Policy" in e or not any(p.search(e) for p in self.allowed)
        ]

    def check(self, where: str = "") -> None:
        """Fail on the unexpected errors recorded since the last check."""
        new, self.reported = self.errors[self.reported :], len(self.errors)
        problems = self.unexpected(new)
        if problems:
            csp = [e for e in problems if "Content Security Policy" in e]
            heading = "Content Security Policy violations" if csp else "browser errors"
            where = f" ({where})" if where else ""
            pytest.fail(
                f"{heading}{where}:\n" + "\n".join(f"  - {e}" for e in problems),
                pytrace=False,
            )


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


def _describe_console(message) -> str:
    location = message.location or {}
    url = location.get("url") or ""
    where = f" [{url}:{location.get('lineNumber', '?')}]" if url else ""
    return f"console.{message.type}: {message.text}{where}"


@pytest.fixture
def page(browser, console):
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message):
        if message.type == "error":
            console.errors.append(_describe_console(message))

    def on_page_error(error):
        console.errors.append(f"pageerror: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield page
    finally:
        context.close()
    console.check("at the end of the test")


# ---------------------------------------------------------------- helpers


@pytest.fixture
def demo(app):
    """The demo organisation (8 municipalities, 5 networks, invented people)."""
    with app.app_context():
        seed_demo(app.config["DEMO_DATA_DIR"] / "organisation.json")


def login(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form and wait until the browser has left the login page."""
    page.goto(f"{base}/logga-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in", exact=True).click()
    assert "/logga-in" not in page.url, f"login as {email} failed: still on {page.url}"


_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        # Ends in an expression statement so Playwright evaluates it as a script.
        _axe_source = AXE_JS.read_text(encoding="utf-8") + "\n;void 0;"
    return _axe_source


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
    summary: v.nodes.length ? (v.nodes[0].failureSummary || "") : "",
  }));
}"""


def check_a11y(page, label: str, console: ConsoleLog | None = None) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now; fail with a readable
    list of violations. With `console`, also fail on any browser error so far."""
    if console is not None:
        console.check(label)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe())
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    if violations:
        lines = [f"axe found {len(violations)} WCAG violation(s) on {label} ({page.url}):"]
        for v in violations:
            lines.append(f"  - {v['id']} [{v['impact']}] {v['help']} ({v['count']} element(s))")
            for target in v["targets"]:
                lines.append(f"      at {target}")
            if v["summary"]:
                first = v["summary"].splitlines()
                lines.append("      " + " / ".join(s.strip() for s in first if s.strip()))
            lines.append(f"      {v['helpUrl']}")
        pytest.fail("\n".join(lines), pytrace=False)


# The helpers reach the test modules as fixtures (two conftest.py files without __init__.py
# cannot be imported from by name): `login(page, base, email)`, `check_a11y(page, label)`.


@pytest.fixture(name="login")
def _login_helper():
    return login


@pytest.fixture(name="check_a11y")
def _check_a11y_helper(console):
    def check(page, label: str) -> None:
        check_a11y(page, label, console)

    return check
