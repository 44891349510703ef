"""BENCHMARKS.md from the results of a run (instance/bench/results.json)."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

from bench import timing
from bench.pages import PAGES

NOTES = Path(__file__).with_name("NOTES.md")
P95_GOAL_MS, RATIO_GOAL, QUERY_GOAL, MEMORY_GOAL_MB = 100, 1 / 3, 15, 20
SAVE_RATIO_GOAL = 1 / 4  # a save: at least a quarter of the floor's throughput


def _ms(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.1f}"


def _server(results: dict) -> str:
    kind = results.get("worker_class", "gthread")
    if kind == "sync":
        return f"{results['workers']} `sync` workers (one request at a time each)"
    return f"{results['workers']} `{kind}` workers with {results['threads']} threads each"


def _pair(counts) -> list[int]:
    """(made, served): a page's queries with its cached fragments made, and served."""
    return list(counts) if isinstance(counts, list | tuple) else [counts, counts]


def _queries(counts) -> str:
    if counts is None:
        return "–"
    made, served = _pair(counts)
    return str(made) if made == served else f"{made} / {served}"


def _parts(generated: dict) -> str:
    """The rows' and the search index's share of a generation, from its output."""
    found = dict(re.findall(r"(rows|index) seconds: ([\d.]+)", generated.get("output", "")))
    if len(found) < 2:
        return ""
    rows, index = float(found["rows"]), float(found["index"])
    return f" (the rows {rows:.0f} s, the search index {index:.0f} s)"


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def _index_size(kind: str, size: dict, scale: str) -> str:
    if kind == "sqlite":
        parts = (f"the entries (`search_entry`: each thing's title and text as written, for "
                 f"the snippet, and as stems) {_mb(size['entries'])}, their indexes "
                 f"{_mb(size['entry_indexes'])}, FTS5's shadow tables (`search_fts_*`) "
                 f"{_mb(size['full_text'])}")
    else:
        parts = (f"`search_entry` with its TOAST table (the texts as written and as stems, and "
                 f"the `tsv` column) {_mb(size['entries'])}, the GIN indexes "
                 f"{_mb(size['full_text'])} (of the words {_mb(size.get('words', 0))}, of the "
                 f"pairs of neighbouring words {_mb(size.get('pairs', 0))}), the other indexes "
                 f"{_mb(size['entry_indexes'])}")
    return (f"Search index at scale {scale}: {_mb(size['total'])} on disk ({parts}), of a "
            f"database of {_mb(size['database'])}.")


def _goals(load: dict, small: int | None, large: int | None, floor: bool,
           save: bool = False) -> str:
    if floor:
        return "floor"
    missed = []
    if load["p95"] >= P95_GOAL_MS:
        missed.append("p95")
    if load["ratio"] < (SAVE_RATIO_GOAL if save else RATIO_GOAL):
        missed.append("throughput")
    if small is not None and large is not None and small != large:
        missed.append("queries grow")
    if large is not None and max(_pair(large)) > QUERY_GOAL:
        missed.append(f"> {QUERY_GOAL} queries")
    if load["errors"]:
        missed.append(f"{load['errors']} errors")
    return "met" if not missed else "**missed: " + ", ".join(missed) + "**"


def write_report(results: dict, out: Path) -> None:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Samverkansytan at the scale of all of Sweden's 290 municipalities. Rerun with "
        "`make bench` (about an hour: each page for 20 s after 3 s of warm-up, the floor "
        "in turn with each; `BENCH_SECONDS=5 make bench` for a quick look). "
        "The code is in `bench/`, the data generator is `flask --app wsgi generate-load "
        "--scale N`.",
        "",
        "## The run",
        "",
        f"- Date: {m['date']}; command: `{results['command']}`",
        f"- Machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB RAM, Linux "
        f"{m['kernel']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgres']} (same "
        f"machine, default settings), gunicorn {m['gunicorn']}",
        f"- Server: gunicorn on 127.0.0.1 as the README deploys it, {_server(results)}, "
        "the development configuration (plain HTTP on loopback) with every middleware of "
        "production (CSP and security headers, login sessions checked on the server, CSRF, "
        "rate limiting in memory).",
        f"- Load: {results['users']} concurrent users, each logged in as the page's role "
        "with its own session, each request on a new connection (as from a reverse proxy "
        "without upstream keep-alive, so that the workers share the load), requesting the "
        "page again as soon "
        f"as the answer arrives (closed loop, no think time); {results['warmup']:g} s warm-up,"
        f" then {results['seconds']:g} s measured per page, one page at a time. The load "
        "generator runs on the same 2 CPUs as the server and the database. The 1-minute load "
        "average noted at the end of each page counts the run's own threads and processes "
        "too; CPU time taken by other guests of the host is the stolen share.",
        "- Data: scale 1 (the national association) for the load; queries counted at scale "
        "0.1 and 1, as made / served where they differ: with the page's cached fragments "
        "made anew (as after a change) and served from the store. Saves (the htmx cell save "
        "and the section editor's form) each use a row of their own per user and carry the "
        "version they started from, so none of them conflicts. The section save answers "
        "with a redirect to the response and a message in the session cookie; a browser "
        "fetches that page, which takes the message out again, so the benchmark keeps the "
        "cookie as it was before the save instead of letting the messages pile up in it.",
        "- Throughput ratio: the page's requests per second divided by the floor's "
        "(`/_bench/floor`, the base layout with no database access, same server and "
        "middleware), the floor measured for as long again in turn with the page, in "
        "slices of 2 s (floor, page, page, floor, ...): the machine's speed drifts within "
        "minutes (other guests of the host), so a page and its floor are measured over the "
        "same minutes. The floor's row is its first measurement, on its own.",
        f"- Goals (the column on the right): every read's p95 under {P95_GOAL_MS} ms and at "
        f"least a third of the floor's throughput, every save's p95 under {P95_GOAL_MS} ms and "
        f"at least a quarter; at most {QUERY_GOAL} queries a request, the same at both scales.",
        "- Server CPU per request: the gunicorn workers' CPU time over the page's slices "
        "divided by the requests begun in them (the database's CPU is not in it). Database "
        "CPU: the same of PostgreSQL's processes (SQLite works inside the workers). Load "
        "generator CPU: the same of the benchmark's own process, on the same two CPUs. Stolen: "
        "the share of the machine's CPU time the hypervisor gave to other guests during the "
        "page's slices.",
        "",
    ]
    for kind, entry in results["databases"].items():
        scales = sorted(entry["queries"], key=float)
        small, large = entry["queries"][scales[0]], entry["queries"][scales[-1]]
        lines += [f"## {'PostgreSQL' if kind == 'postgresql' else 'SQLite'}", ""]
        if entry.get("generated"):
            made = ", ".join(f"scale {s}: {g['seconds']:.0f} s{_parts(g)}"
                             for s, g in entry["generated"].items())
            earlier = (" (by the same code, before this run: the load ran on those databases)"
                       if entry.get("generated_earlier") else "")
            lines += [f"Data generated in {made}{earlier}.", ""]
        if entry.get("index_size"):
            lines += [_index_size(kind, entry["index_size"], scales[-1]), ""]
        lines += [
            f"| page | role | p50 ms | p95 ms | p99 ms | req/s | floor req/s in turn | "
            f"ratio to floor | server CPU "
            f"ms/request | database CPU ms/request | load generator CPU ms/request | "
            f"queries (scale {scales[0]}) | queries (scale {scales[-1]}) | load "
            "avg | stolen % | goals |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for i, page in enumerate(PAGES):
            load = entry["load"].get(page.name)
            if load is None:
                continue
            save = page.form is not None
            lines.append(
                f"| {page.name} | {page.role} | {_ms(load['p50'])} | {_ms(load['p95'])} | "
                f"{_ms(load['p99'])} | {load['rps']:.0f} | "
                f"{load.get('floor_rps', load['rps']):.0f} | {load['ratio']:.2f} | "
                f"{_ms(load.get('server_cpu_ms'))} | "
                f"{_ms(load.get('database_cpu_ms') if kind == 'postgresql' else None)} | "
                f"{_ms(load.get('client_cpu_ms'))} | "
                f"{_queries(small.get(page.name))} | {_queries(large.get(page.name))} | "
                f"{load.get('load_average', '–')} | {load.get('stolen_percent', '–')} | "
                f"{_goals(load, small.get(page.name), large.get(page.name), i == 0, save)} |")
        mem = entry.get("memory")
        if mem:
            verdict = "met" if mem["growth_mb"] < MEMORY_GOAL_MB else "**missed**"
            lines += [
                "",
                f"Files: a {mem['file_bytes'] / 1e6:.0f} MB file uploaded through the upload "
                f"form ({mem['upload_seconds']} s) and downloaded ({mem['download_seconds']} "
                f"s) through a server with one worker: the worker's peak memory (VmHWM) "
                f"went from {mem['before_kb'] / 1024:.1f} MB to "
                f"{mem['after_upload_kb'] / 1024:.1f} MB after the upload and "
                f"{mem['after_kb'] / 1024:.1f} MB after the download, "
                f"**+{mem['growth_mb']:.1f} MB** (goal: under {MEMORY_GOAL_MB} MB: {verdict}).",
            ]
        errors = {name: r["error_statuses"] for name, r in entry["load"].items()
                  if r["errors"]}
        if errors:
            lines += ["", f"Unexpected answers: {errors}"]
        lines.append("")
    measured = {kind: entry["timing"] for kind, entry in results["databases"].items()
                if entry.get("timing")}
    if measured:
        lines += timing.section(measured)
    if NOTES.exists():
        lines += [NOTES.read_text().rstrip(), ""]
    out.write_text("\n".join(lines))


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("instance/bench/results.json")
    write_report(json.loads(source.read_text()), Path("BENCHMARKS.md"))
