"""The lock files (`make lock`) hold what pyproject.toml asks for: every dependency at the version
pinned there, every package with its hashes, the app's lock without the test tools. A dependency
changed in pyproject.toml without `make lock` fails here rather than at someone's install."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from intranet.config import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# "name==version \" and its "--hash=sha256:..." lines.
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)"
                   r"((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)", re.M)


def locked(name: str) -> dict[str, tuple[str, int]]:
    """Each package of a lock file: its version and how many hashes it has."""
    text = (ROOT / name).read_text(encoding="utf-8")
    return {canonicalize_name(m[1]): (m[2], m[3].count("--hash=")) for m in ENTRY.finditer(text)}


def pinned(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for line in requirements:
        requirement = Requirement(line)
        (spec,) = requirement.specifier  # one exact version for each direct dependency
        assert spec.operator == "==", line
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


APP = pinned(PYPROJECT["project"]["dependencies"])
BUILD = pinned(PYPROJECT["build-system"]["requires"])
TESTS = pinned(PYPROJECT["project"]["optional-dependencies"]["test"])


@pytest.mark.parametrize(("lock", "wanted"), [
    ("requirements.lock", {**APP, **BUILD}),
    ("requirements-test.lock", {**APP, **BUILD, **TESTS}),
])
def test_the_lock_pins_every_dependency_at_the_version_pyproject_names(lock, wanted):
    packages = locked(lock)
    got = {name: packages.get(name, ("missing", 0))[0] for name in wanted}
    assert got == wanted, f"run `make lock` after changing pyproject.toml ({lock})"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_every_locked_package_has_its_hashes(lock):
    text = (ROOT / lock).read_text(encoding="utf-8")
    names = re.findall(r"^[A-Za-z0-9]", text, re.M)
    packages = locked(lock)
    assert len(packages) == len(names) > len(APP)  # every entry read
    assert not [name for name, (_version, hashes) in packages.items() if hashes == 0]


def test_the_app_lock_is_the_test_lock_without_the_test_tools():
    app, test = locked("requirements.lock"), locked("requirements-test.lock")
    assert {name: version for name, (version, _h) in app.items()} == {
        name: test[name][0] for name in app}
    assert not set(TESTS) & set(app)
