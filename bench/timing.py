"""Known and unknown addresses answer in the same time: the login form (a wrong password)
and the "Glömt lösenord" form, measured through the server as deployed. A difference would
tell an attacker which addresses have an account.

Part of `make bench` (on the largest scale's database); on its own, on a fresh scale-0.1
database of each kind, updating only its section of BENCHMARKS.md:

    python -m bench.timing [--databases sqlite,postgresql] [--pairs 300]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from bench.client import HttpTransport

# The goal: the medians of known and unknown addresses differ by less than this.
GOAL_MS = 2.0
SECTION = "## Known and unknown addresses"
_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
FORMS = (("login", "/logga-in", "Login, wrong password"),
         ("reset", "/glomt-losenord", "Glömt lösenord"))


def _known_addresses(url: str, count: int) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text(
                "SELECT email FROM person WHERE active ORDER BY id LIMIT :n"), {"n": count}))
    finally:
        engine.dispose()


def _form(transport: HttpTransport, path: str) -> bytes:
    status, _headers, page = transport.send("GET", path, {})
    match = _CSRF.search(page)
    if status != 200 or match is None:
        raise RuntimeError(f"GET {path}: {status}, no form")
    return match.group(1)


def _post(transport: HttpTransport, path: str, token: bytes, fields: dict) -> float:
    body = urlencode({"csrf_token": token.decode(), **fields}).encode()
    began = time.perf_counter()
    status, _headers, _data = transport.send(
        "POST", path, {"Content-Type": "application/x-www-form-urlencoded"}, body)
    elapsed = (time.perf_counter() - began) * 1000
    if status not in (303, 422):
        raise RuntimeError(f"POST {path}: {status}")
    return elapsed


def measure(port: int, url: str, pairs: int) -> dict:
    """`pairs` requests with a known and as many with an unknown address, alternating, one at
    a time (no other load), each known address used at most twice per form (the reset
    form's limit per address is three an hour)."""
    known = _known_addresses(url, pairs)
    if len(known) < pairs:
        raise RuntimeError(f"{len(known)} people in the database, {pairs} needed")
    results = {}
    for name, path, label in FORMS:
        transport = HttpTransport("127.0.0.1", port, keep_alive=False)
        token = _form(transport, path)
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for i in range(pairs + 20):  # the first 20 pairs warm the workers up
            cases = [("known", known[i % len(known)]), ("unknown", f"ingen{i}@saknas.example")]
            if i % 2:
                cases.reverse()  # neither always goes first
            for case, email in cases:
                fields = {"email": email}
                if name == "login":
                    fields["password"] = "fel-losenord-for-matning"  # noqa: S105
                elapsed = _post(transport, path, token, fields)
                if i >= 20:
                    times[case].append(elapsed)
        known_ms = statistics.median(times["known"])
        unknown_ms = statistics.median(times["unknown"])
        results[name] = {"label": label, "pairs": pairs, "known_ms": round(known_ms, 2),
                         "unknown_ms": round(unknown_ms, 2),
                         "difference_ms": round(abs(known_ms - unknown_ms), 2)}
    return results


def section(databases: dict) -> list[str]:
    """The section of BENCHMARKS.md, from each database's measurements."""
    lines = [SECTION, "",
             "The login form (a wrong password) and the Glömt lösenord form, posted one at a "
             "time through the server as deployed, alternating a known and an unknown "
             "address (after 20 pairs to warm up). Goal: the medians differ by less than "
             f"{GOAL_MS:g} ms, so the answer time does not tell who has an account.", "",
             "| database | form | pairs | known, median ms | unknown, median ms | "
             "difference ms | goal |", "|---|---|---:|---:|---:|---:|---|"]
    for kind, timing in databases.items():
        for entry in timing.values():
            verdict = "met" if entry["difference_ms"] < GOAL_MS else "**missed**"
            lines.append(f"| {'PostgreSQL' if kind == 'postgresql' else 'SQLite'} | "
                         f"{entry['label']} | {entry['pairs']} | {entry['known_ms']:.1f} | "
                         f"{entry['unknown_ms']:.1f} | {entry['difference_ms']:.2f} | "
                         f"{verdict} |")
    return [*lines, ""]


def replace_section(report: Path, lines: list[str], when: str) -> None:
    """Put the section into BENCHMARKS.md in place of the old one (before the notes)."""
    text_ = report.read_text() if report.exists() else "# Benchmarks\n"
    new = "\n".join([*lines[:2], f"Measured {when}.", "", *lines[2:]])
    if SECTION in text_:
        before, _, after = text_.partition(SECTION)
        rest = after.split("\n## ", 1)
        text_ = before + new + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        parts = text_.split("\n## What the benchmark found", 1)
        text_ = parts[0].rstrip("\n") + "\n\n" + new + (
            "\n## What the benchmark found" + parts[1] if len(parts) > 1 else "")
    report.write_text(text_)


def main(argv: list[str] | None = None) -> int:
    from bench.run import BENCH_DIR, ROOT, Server, database_url, generate, log, machine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES",
                                                              "sqlite,postgresql"))
    parser.add_argument("--pairs", type=int, default=300)
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    databases = {}
    for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
        generate(kind, 0.1)
        url = database_url(kind, 0.1)
        server = Server(url)
        try:
            databases[kind] = measure(server.port, url, args.pairs)
        finally:
            server.stop()
        log(f"{kind}: {databases[kind]}")
    m = machine()
    when = (f"{m['date']} with `python -m bench.timing` on a scale-0.1 database, "
            f"{m['cpu']}, {m['cpus']} CPUs, gunicorn with 4 sync workers")
    replace_section(ROOT / "BENCHMARKS.md", section(databases), when)
    missed = any(e["difference_ms"] >= GOAL_MS for t in databases.values() for e in t.values())
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
