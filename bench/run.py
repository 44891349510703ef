"""`make bench`: generate the data, count queries, run the load, measure file memory, and
write BENCHMARKS.md.

    python -m bench.run [--databases sqlite,postgresql] [--scales 0.1,1] [--seconds 20]

Every database gets both scales generated (deterministic, seed 2026); queries are counted on
both; the load run and the memory test use the largest scale. The app is served by gunicorn
on loopback as the README deploys it (4 sync workers, one request at a time each); 20 users,
each with its own login and connection per request (as from a reverse proxy), request one
page at a time as fast as the answers come (a closed loop, no think time). The floor route is
measured in the same run, first on its own and then in turn with each page (slices of a few
seconds, one page then the other), so that both see the same minutes of the host."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import timing

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "instance" / "bench"
RESULTS = BENCH_DIR / "results.json"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
# As the README deploys it: gunicorn's sync workers, two per CPU, behind a proxy. The
# variables are for trying other ways (BENCH_WORKER_CLASS=gthread BENCH_THREADS=4).
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
FILE_BYTES = 50_000_000  # a 50 MB file (under MAX_CONTENT_LENGTH, 50 MiB)
# A page and the floor are measured in turn, in slices of this many seconds (see _measure).
SLICE_SECONDS = float(os.environ.get("BENCH_SLICE_SECONDS", "2"))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------- databases


def database_url(kind: str, scale: float) -> str:
    name = f"bench_{scale:g}".replace(".", "_")
    if kind == "sqlite":
        return f"sqlite:///{BENCH_DIR / (name + '.sqlite3')}"
    return f"{POSTGRES}/{name}"


def app_env(url: str, **extra) -> dict:
    env = {**os.environ, "INTRANET_ENV": "development", "SECRET_KEY": "bench-only",
           "DATABASE_URL": url, "STORAGE_DIR": str(BENCH_DIR / "files"),
           "MAIL_BACKEND": "file", "MAIL_DIR": str(BENCH_DIR / "mail"), "BENCH_FLOOR": "1",
           "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
           "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute", "LOGIN_SLOWDOWN_AFTER": "1000000",
           "FLASK_APP": "wsgi"}
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def fresh_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in (path, path.with_name(path.name + "-wal"),
                         path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    engine = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def generate(kind: str, scale: float) -> dict:
    url = database_url(kind, scale)
    fresh_database(kind, url)
    env = app_env(url)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    began = time.monotonic()
    done = subprocess.run([str(BIN / "flask"), "generate-load", "--scale", str(scale)],
                          env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    seconds = time.monotonic() - began
    log(f"{kind} scale {scale}: generated in {seconds:.0f} s")
    print(done.stdout, flush=True)
    return {"seconds": round(seconds, 1), "output": done.stdout}


def index_size(kind: str, url: str) -> dict[str, int]:
    """Bytes on disk of the search index: SQLite's search_entry with its indexes and the FTS5
    table's shadow tables (dbstat); PostgreSQL's search_entry with its TOAST table, the GIN
    index and the other indexes. The whole database's for comparison."""
    if kind == "sqlite":
        path = url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path)
        try:
            pages = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
            owners = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master"))
        finally:
            conn.close()
        fts = sum(size for name, size in pages.items() if name.startswith("search_fts"))
        table = pages.get("search_entry", 0)
        indexes = sum(size for name, size in pages.items()
                      if owners.get(name) == "search_entry" and name != "search_entry")
        return {"entries": table, "entry_indexes": indexes, "full_text": fts,
                "total": table + indexes + fts, "database": sum(pages.values())}
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            sizes = conn.execute(text(
                "SELECT pg_table_size('search_entry'), pg_relation_size('ix_search_entry_tsv'),"
                " pg_relation_size('ix_search_entry_pairs'),"
                " pg_indexes_size('search_entry'), pg_total_relation_size('search_entry'),"
                " pg_database_size(current_database())")).one()
    finally:
        engine.dispose()
    table, words, pairs, indexes, total, database = sizes
    return {"entries": table, "entry_indexes": indexes - words - pairs,
            "full_text": words + pairs, "words": words, "pairs": pairs, "total": total,
            "database": database}


def count_queries(kind: str, scale: float) -> dict[str, int]:
    url = database_url(kind, scale)
    done = subprocess.run([PYTHON, "-m", "bench.queries"], env=app_env(url), cwd=ROOT,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the server


class Server:
    def __init__(self, url: str, workers: int = WORKERS, port: int = 8765):
        self.port = port
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", WORKER_CLASS,
             "--threads", str(THREADS), "--bind", f"127.0.0.1:{port}", "--log-level",
             "warning", "wsgi:app"],
            env=app_env(url), cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/halsa", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _database_cpu_seconds() -> float:
    """CPU time so far of the PostgreSQL server's processes on this machine (its backends
    serve the app's connections); 0 where there is none. SQLite works inside the workers."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while the directory was read
            continue
        if text.split("(", 1)[1].rsplit(")", 1)[0] == "postgres":
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _machine_ticks() -> tuple[int, int]:
    """(all, stolen) CPU ticks of the machine so far: time a hypervisor gave to other guests
    is stolen from this run, and the latencies show it."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values), values[7] if len(values) > 7 else 0


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- the load run


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def load_run(kind: str, url: str, seconds: float, warmup: float, users: int,
             only: str = "") -> dict:
    from bench.client import Browser, HttpTransport
    from bench.pages import PAGES, find_targets
    from intranet import create_app

    os.environ.update({k: v for k, v in app_env(url).items() if k not in os.environ})
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "BENCH_FLOOR": True,
                                     "SECRET_KEY": "bench-only"})
    with app.app_context():
        targets = find_targets()
    with app.test_request_context():
        urls = {page.name: [(page.url(targets, u),
                             page.version_url(targets, u) if page.version_url else None)
                            for u in range(users)] for page in PAGES}
    server = Server(url)
    results = {}
    try:
        browsers: dict[str, list[Browser]] = {}
        for page in PAGES:
            if only and page is not PAGES[0] and not any(
                    word.strip().lower() in page.name.lower() for word in only.split(",")):
                continue
            if page.role not in browsers:
                browsers[page.role] = []
                for _ in range(users):
                    browser = Browser(HttpTransport("127.0.0.1", server.port,
                                                    keep_alive=False))
                    browser.login(page.role)
                    browsers[page.role].append(browser)
            contenders = [(page, browsers[page.role], urls[page.name])]
            if page is not PAGES[0]:
                # The floor in turn with the page (see _measure).
                contenders.insert(0, (PAGES[0], browsers[PAGES[0].role], urls[PAGES[0].name]))
            measured = _measure(contenders, targets, seconds, warmup, server.workers())
            results[page.name] = r = measured[-1]
            r["floor_rps"] = measured[0]["rps"]
            r["ratio"] = r["rps"] / r["floor_rps"] if r["floor_rps"] else float("nan")
            log(f"{kind}: {page.name}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
                f"{r['rps']:.0f}/s (floor in turn: {r['floor_rps']:.0f}/s), "
                f"CPU ms/request: workers {r['server_cpu_ms'] or 0:.2f}, database "
                f"{r['database_cpu_ms'] or 0:.2f}, load generator {r['client_cpu_ms'] or 0:.2f}; "
                f"errors {r['errors']}")
    finally:
        server.stop()
    return results


def _slice(page, browsers, targets, urls, seconds, workers, into: dict) -> None:
    """All users on one page for `seconds`: the requests begun in that time are counted (those
    still running at its end finish first, and their CPU is counted with them)."""
    barrier = threading.Barrier(len(browsers) + 1)
    lock = threading.Lock()
    window = {}

    def user(i: int) -> None:
        browser = browsers[i]
        url, version_url = urls[i]
        barrier.wait()
        while (began := time.perf_counter()) < window["end"]:
            try:
                status = browser.visit(page, targets, i, url, version_url)
            except Exception:  # noqa: BLE001 (a timeout or a dropped connection is an error)
                status = 0
            into["latencies"].append((time.perf_counter() - began) * 1000)
            if status not in page.expect:
                with lock:
                    into["errors"] += 1
                    into["statuses"][status] = into["statuses"].get(status, 0) + 1

    threads = [threading.Thread(target=user, args=(i,), daemon=True)
               for i in range(len(browsers))]
    for t in threads:
        t.start()
    cpu_before = sum(_cpu_seconds(pid) for pid in workers)
    database_before, client_before = _database_cpu_seconds(), _own_cpu_seconds()
    ticks_before = _machine_ticks()
    window["end"] = time.perf_counter() + seconds
    barrier.wait()
    for t in threads:
        t.join()
    ticks_after = _machine_ticks()
    into["seconds"] += seconds
    into["server_cpu"] += sum(_cpu_seconds(pid) for pid in workers) - cpu_before
    into["database_cpu"] += _database_cpu_seconds() - database_before
    into["client_cpu"] += _own_cpu_seconds() - client_before
    into["ticks"] += ticks_after[0] - ticks_before[0]
    into["stolen"] += ticks_after[1] - ticks_before[1]


def _measure(contenders, targets, seconds, warmup, workers=()) -> list[dict]:
    """Each contender, (page, browsers, urls), measured for `seconds` in all, in slices of
    SLICE_SECONDS taken in turn (a b b a a b ...) after a warm-up of each: the host's speed
    drifts within minutes (other guests), and a page and the floor measured in turn see the
    same minutes, so their ratio compares like with like."""
    for page, browsers, urls in contenders:
        _slice(page, browsers, targets, urls, warmup, workers, _totals())
    totals = [_totals() for _ in contenders]
    slices = max(1, round(seconds / SLICE_SECONDS))
    for k in range(slices):
        order = list(range(len(contenders)))
        for i in order if k % 2 == 0 else order[::-1]:
            page, browsers, urls = contenders[i]
            _slice(page, browsers, targets, urls, seconds / slices, workers, totals[i])
    return [_result(t, bool(workers)) for t in totals]


def _totals() -> dict:
    return {"latencies": [], "errors": 0, "statuses": {}, "seconds": 0.0, "server_cpu": 0.0,
            "database_cpu": 0.0, "client_cpu": 0.0, "ticks": 0, "stolen": 0}


def _result(t: dict, have_workers: bool) -> dict:
    every = t["latencies"]
    n = len(every)
    return {"requests": n, "rps": n / t["seconds"] if t["seconds"] else 0.0,
            "p50": percentile(every, 50), "p95": percentile(every, 95),
            "p99": percentile(every, 99), "mean": statistics.fmean(every) if every else 0,
            "errors": t["errors"], "error_statuses": t["statuses"],
            # CPU per request over the page's slices: what a page costs, apart from the
            # queue in front of it. The database server's and the load generator's own run on
            # the same two CPUs and take from what the workers could have.
            "server_cpu_ms": 1000 * t["server_cpu"] / n if n and have_workers else None,
            "database_cpu_ms": 1000 * t["database_cpu"] / n if n else None,
            "client_cpu_ms": 1000 * t["client_cpu"] / n if n else None,
            "stolen_percent": round(100 * t["stolen"] / t["ticks"], 1) if t["ticks"] else None,
            # The machine's 1-minute load average at the end: other work on it shows here.
            "load_average": round(os.getloadavg()[0], 1)}


# ---------------------------------------------------------------- files and memory


def memory_run(url: str) -> dict:
    """Peak RSS (VmHWM) of a single worker before and after a 50 MB upload and download."""
    import http.client
    import uuid

    from bench.client import Browser, HttpTransport

    server = Server(url, workers=1, port=8766)
    try:
        browser = Browser(HttpTransport("127.0.0.1", server.port))
        browser.login("member")
        for path in ("/natverk/natverk-1/dokument/ladda-upp", "/natverk/natverk-1/dokument/",
                     "/natverk/natverk-1"):
            for _ in range(5):
                browser.request("GET", path)
        worker = server.workers()[0]
        before = _status_kb(worker, "VmHWM")
        boundary = uuid.uuid4().hex
        with tempfile.TemporaryFile(dir=BENCH_DIR) as body:
            fields = {"csrf_token": browser.csrf, "visibility": "network",
                      "title": "Stor fil", "description": "", "tags": ""}
            for name, value in fields.items():
                body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""
                           f"\r\n\r\n{value}\r\n".encode())
            body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                       f"filename=\"stor.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                       .encode())
            body.write(b"%PDF-1.4\n")
            chunk = os.urandom(1 << 20)
            left = FILE_BYTES - len(b"%PDF-1.4\n")
            while left > 0:
                body.write(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
            body.write(f"\r\n--{boundary}--\r\n".encode())
            length = body.tell()
            body.seek(0)
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
            conn.putrequest("POST", "/natverk/natverk-1/dokument/ladda-upp")
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(length))
            conn.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in
                                               browser.transport.cookies.items()))
            conn.putheader("X-CSRFToken", browser.csrf)
            conn.endheaders()
            began = time.monotonic()
            while block := body.read(1 << 20):
                conn.send(block)
            response = conn.getresponse()
            response.read()
            upload_seconds = time.monotonic() - began
            location = response.getheader("Location", "")
            conn.close()
        if response.status != 303 or not re.search(r"/dokument/\d+$", location):
            raise RuntimeError(f"upload failed: {response.status} {location}")
        after_upload = _status_kb(worker, "VmHWM")
        path = re.sub(r"^https?://[^/]+", "", location) + "/ladda-ner"
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        conn.request("GET", path, headers={"Cookie": "; ".join(
            f"{k}={v}" for k, v in browser.transport.cookies.items())})
        began = time.monotonic()
        response = conn.getresponse()
        received = 0
        while block := response.read(1 << 20):
            received += len(block)
        download_seconds = time.monotonic() - began
        conn.close()
        if response.status != 200 or received != FILE_BYTES:
            raise RuntimeError(f"download failed: {response.status}, {received} bytes")
        after = _status_kb(worker, "VmHWM")
    finally:
        server.stop()
    return {"before_kb": before, "after_upload_kb": after_upload, "after_kb": after,
            "growth_mb": (after - before) / 1024, "upload_seconds": round(upload_seconds, 2),
            "download_seconds": round(download_seconds, 2), "file_bytes": FILE_BYTES}


# ---------------------------------------------------------------- the machine


def machine() -> dict:
    def run(*args) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    cpu = run("lscpu")
    model = re.search(r"Model name:\s*(.+)", cpu)
    cpus = re.search(r"^CPU\(s\):\s*(\d+)", cpu, re.MULTILINE)
    memory = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    postgres = ""
    try:
        engine = create_engine(f"{POSTGRES}/postgres")
        with engine.connect() as conn:
            postgres = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    except Exception:  # noqa: BLE001 (PostgreSQL is optional for the machine line)
        postgres = "not reachable"
    import gunicorn

    return {"cpu": model.group(1).strip() if model else platform.processor(),
            "cpus": int(cpus.group(1)) if cpus else os.cpu_count(),
            "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
            "kernel": platform.release(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "postgres": postgres,
            "gunicorn": gunicorn.__version__,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES",
                                                              "sqlite,postgresql"))
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "0.1,1"))
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("BENCH_SECONDS", "20")))
    parser.add_argument("--warmup", type=float,
                        default=float(os.environ.get("BENCH_WARMUP", "3")))
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", "20")))
    parser.add_argument("--skip-generate", action="store_true",
                        help="use the databases of the previous run")
    parser.add_argument("--pages", default=os.environ.get("BENCH_PAGES", ""),
                        help="only the pages whose names contain one of these words (and "
                        "the floor), for a quick look")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--out", help="BENCHMARKS.md; a partial run (--pages) writes "
                        "instance/bench/partial.md")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    scales = sorted(float(s) for s in args.scales.split(","))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not args.skip_generate:  # the stored files of earlier runs (50 MB each) go too
        shutil.rmtree(BENCH_DIR / "files", ignore_errors=True)
    # The databases of the previous run keep what their generation took (and its output).
    previous = json.loads(RESULTS.read_text()) if args.skip_generate and RESULTS.exists() else {}
    results = {"machine": machine(), "seconds": args.seconds, "warmup": args.warmup,
               "users": args.users, "workers": WORKERS, "threads": THREADS,
               "worker_class": WORKER_CLASS,
               "command": "make bench" + (f" BENCH_SECONDS={args.seconds:g}"
                                          if args.seconds != 20 else ""),
               "databases": {}}
    failed = False
    for kind in kinds:
        entry = results["databases"][kind] = {"generated": {}, "queries": {}}
        if args.skip_generate:
            entry["generated"] = previous.get("databases", {}).get(kind, {}).get(
                "generated", {})
            entry["generated_earlier"] = bool(entry["generated"])
        for scale in scales:
            if not args.skip_generate:
                entry["generated"][str(scale)] = generate(kind, scale)
            entry["queries"][str(scale)] = count_queries(kind, scale)
            log(f"{kind} scale {scale}: queries counted")
        url = database_url(kind, scales[-1])
        entry["index_size"] = index_size(kind, url)
        entry["load"] = load_run(kind, url, args.seconds, args.warmup, args.users,
                                 args.pages)
        if not args.skip_memory:
            server = Server(url)
            try:
                entry["timing"] = timing.measure(server.port, url, 300)
            finally:
                server.stop()
            log(f"{kind}: known and unknown addresses measured")
            entry["memory"] = memory_run(url)
            log(f"{kind}: memory grew {entry['memory']['growth_mb']:.1f} MB")
        failed |= any(r["errors"] for r in entry["load"].values())
    RESULTS.write_text(json.dumps(results, indent=2))
    from bench.report import write_report

    out = Path(args.out or (BENCH_DIR / "partial.md" if args.pages or args.skip_memory
                            else ROOT / "BENCHMARKS.md"))
    write_report(results, out)
    log(f"wrote {out} and {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
