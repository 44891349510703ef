"""The layers of docs/ARCHITECTURE.md hold: the import contracts in pyproject.toml (also run
by `make lint`) name every part of the app and are kept, and no code outside the policy reads
a person's standing to decide something itself."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "intranet"


def _contracts() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _layered() -> set[str]:
    names = set()
    for layer in _contracts()["layers"]["layers"]:
        for part in layer.split(":"):
            names.add(part.strip().strip("()"))
    return names


def test_every_module_and_package_of_the_app_has_a_layer():
    layered = _layered()
    parts = {f"intranet.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    parts |= {f"intranet.{p.name}" for p in PACKAGE.iterdir()
              if (p / "__init__.py").exists()}
    # The organisation is split: its models and services are the core, its pages a domain's.
    parts = (parts - {"intranet.org"}) | {"intranet.org.models", "intranet.org.services",
                                          "intranet.org.routes"}
    assert sorted(parts - layered) == []


def test_the_import_contracts_are_kept():
    # In a process of its own: import-linter configures logging (dictConfig), which in this
    # one would switch off the app's loggers for the tests that read the log.
    done = subprocess.run(  # noqa: S603 (the venv's own command, fixed arguments)
        [str(Path(sys.executable).with_name("lint-imports")), "--config",
         str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_policy_sits_below_every_domain():
    layers = _contracts()["layers"]["layers"]
    policy = layers.index("intranet.authz")
    above = " ".join(layers[:policy])
    for domain in ("accounts", "actions", "appointments", "consultations", "documents",
                   "meetings", "networks", "reviews", "main", "admin"):
        assert f"intranet.{domain}" in above, domain


# What a Standing holds, and the ways to get one: only intranet/authz.py reads them.
STANDING = re.compile(
    r"\b(standing_of|compute_standing|Standing|ANONYMOUS)\b"
    r"|\.(network_roles|network_slugs|director_municipalities|committee_municipalities"
    r"|committee_officer|management_chair|convener_of|member_of)\b")


def test_no_access_rule_is_written_outside_the_policy():
    found = []
    files = [p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "authz.py"]
    files += list((ROOT / "templates").rglob("*.html"))
    files += list((ROOT / "templates").rglob("*.txt"))
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STANDING.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
