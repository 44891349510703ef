"""Installing the app compiles its English catalogue, and production refuses to start without a
current one: a page marked lang="en" must not be read out in Swedish."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from intranet import create_app
from intranet.config import ROOT, ConfigError
from intranet.extensions import db
from tests.conftest import CSRF_RE, free_port
from tests.test_production import BASE, production_settings

HOST = "samverkan.example.se"


@pytest.fixture
def catalogues(tmp_path) -> Path:
    """A copy of the translation catalogues, freshly compiled, to break (never the real ones:
    other test workers read them)."""
    copy = tmp_path / "translations"
    for po in (ROOT / "intranet" / "translations").glob("*/LC_MESSAGES/messages.po"):
        target = copy / po.relative_to(ROOT / "intranet" / "translations")
        target.parent.mkdir(parents=True)
        shutil.copyfile(po, target)
        with target.open("rb") as f:
            catalogue = read_po(f)
        with target.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalogue)
    return copy


def english(copy: Path) -> Path:
    return copy / "en" / "LC_MESSAGES" / "messages.mo"


def start_production(app, copy: Path):
    new = create_app("production", production_settings(
        app, BABEL_TRANSLATION_DIRECTORIES=str(copy)))
    with new.app_context():
        db.engine.dispose()
    return new


def test_production_refuses_to_start_without_the_english_catalogue(app, catalogues):
    english(catalogues).unlink()
    with pytest.raises(ConfigError, match=r"'en' translation catalogue .*messages\.mo is "
                                          r"missing: install the app with `pip install \.`"):
        start_production(app, catalogues)


def test_production_refuses_to_start_with_a_catalogue_older_than_its_source(app, catalogues):
    compiled = english(catalogues).stat().st_mtime
    os.utime(english(catalogues).with_suffix(".po"), (compiled + 60, compiled + 60))
    with pytest.raises(ConfigError, match=r"older than its source messages\.po: install the "
                                          r"app again with `pip install \.`"):
        start_production(app, catalogues)


def test_production_starts_with_a_compiled_catalogue_whose_source_is_not_installed(
        app, catalogues):
    """An installed package carries the .mo only: there is nothing to compare it with."""
    english(catalogues).with_suffix(".po").unlink()
    production = start_production(app, catalogues)
    with production.test_request_context("/", base_url=BASE), force_locale("en"):
        assert gettext("Logga in") == "Log in"


@pytest.mark.parametrize("env", ["development", "test"])
def test_development_and_tests_start_without_catalogues(app, tmp_path, env):
    started = create_app(env, {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                               "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
    with started.app_context():
        db.engine.dispose()


# ---------------------------------------------------------------- the README's production way


def checkout(into: Path) -> Path:
    """The files a fresh clone of this working tree has: those git tracks or would track, none
    that it ignores (so no compiled catalogue, no instance/, no virtualenv)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",  # noqa: S607
                             "--exclude-standard"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: no way to tell a clone's files from the others")
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():  # a tracked file someone is deleting is not there
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, into / name)
    return into


class Browser:
    """Requests as nginx passes them on (Host, X-Forwarded-Proto: https), keeping the cookies
    that a browser would keep over https."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": HOST, "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": "203.0.113.7", "Referer": f"{BASE}/logga-in"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, response.headers, text


def wait_for(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the app did not start:\n{log.read_text()}"
        try:
            if Browser(port).request("GET", "/halsa")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the app did not answer within 30 s:\n{log.read_text()}")


def test_installed_the_readme_way_the_english_switch_gives_english_pages(tmp_path):
    """From a fresh checkout: a new virtualenv, `pip install .` (nothing compiled by hand),
    `flask db upgrade`, gunicorn from the project's folder in production; choosing English
    gives the login page in English."""
    project = checkout(tmp_path / "samverkansytan")
    catalogue = project / "intranet" / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
    assert not catalogue.exists()
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}

    def run(*command):
        done = subprocess.run(command, cwd=project, env=env, capture_output=True,  # noqa: S603
                              text=True, timeout=240)
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"

    run(sys.executable, "-m", "venv", str(venv))
    run(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", ".")
    assert catalogue.exists()  # in the project's folder, where the app reads it
    [installed] = venv.glob("lib/python*/site-packages/intranet/translations/en/LC_MESSAGES")
    assert (installed / "messages.mo").exists() and not (installed / "messages.po").exists()

    env.update(INTRANET_ENV="production", SECRET_KEY="x" * 40, BASE_URL=BASE,
               DATABASE_URL=f"sqlite:///{tmp_path / 'samverkansytan.sqlite3'}",
               REDIS_URL="redis://127.0.0.1:6379/0", STORAGE_DIR=str(tmp_path / "files"),
               PROXY_X_FOR="1", PROXY_X_PROTO="1")
    run(str(venv / "bin" / "flask"), "--app", "wsgi", "db", "upgrade")
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(venv / "bin" / "gunicorn"), "-w", "1",  # noqa: S603
                                   "-b", f"127.0.0.1:{port}", "wsgi:app"],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(server, port, log)
        browser = Browser(port)
        status, _, page = browser.request("GET", "/logga-in")
        assert status == 200 and '<html lang="sv">' in page
        token = CSRF_RE.search(page)
        status, headers, _ = browser.request("POST", "/sprak", {
            "csrf_token": token.group(1) or token.group(2), "lang": "en", "next": "/logga-in"})
        assert status == 303 and headers["Location"].endswith("/logga-in")
        status, _, page = browser.request("GET", "/logga-in")
    finally:
        server.terminate()
        server.wait(10)
    assert status == 200
    assert '<html lang="en">' in page
    assert "Log in" in page and "Logga in" not in page


def test_every_template_is_read_for_its_interface_texts():
    """A template whose kind babel.cfg does not name is never collected: its texts stay
    Swedish on an English page or in an English mail (a mail's macros in a .j2 file were)."""
    import fnmatch
    import re as _re

    config = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    patterns = [p.replace("**", "*") for p in _re.findall(r"^\[jinja2: (.+)\]$", config, _re.M)]
    templates = [path.relative_to(ROOT).as_posix()
                 for path in (ROOT / "templates").rglob("*") if path.is_file()]
    assert templates
    unread = [t for t in templates if not any(fnmatch.fnmatch(t, p) for p in patterns)]
    assert unread == []
