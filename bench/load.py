#!/usr/bin/env python
"""A bounded load run: gunicorn (4 workers) on the bench database, N simulated users, T seconds.

    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1/reviewtool_bench
    .venv/bin/python bench/load.py --duration 30 --users 100 --think 0.5

It starts gunicorn on 127.0.0.1 at a free port (production config, a SECRET_KEY made for the
run), logs each simulated user in through the real login form (with its CSRF token) as one
of the demo accounts (drafters nigao/nigao2, division heads fenguan/fenguan2, principal
zhuyao, office bangong), then for --duration seconds each user, in its own thread, loops:
open one of its role's work-list tabs (a full page, or the htmx tab swap), open one of the
documents on it, wait a think time (uniform 0..2x --think), and again.  Traffic goes only to
127.0.0.1.  The run is bounded by --duration and --max-requests; gunicorn is stopped at the
end whatever happens.  It reports throughput, latency percentiles (overall and per kind of
request), and errors: any exception, HTTP status >= 400, or a redirect back to the login page.

Client and server share the machine's 2 cores, so the numbers are a floor of what the
server can do, not a capacity figure.
"""
import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from common import BENCH, DEMO_PASSWORD, RESULTS, ROOT, code_version, database_name, database_url

ACCOUNTS = [("drafter", "nigao"), ("drafter", "nigao2"), ("division_head", "fenguan"),
            ("division_head", "fenguan2"), ("principal", "zhuyao"), ("office", "bangong")]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
DOC_LINK = re.compile(r'href="/documents/(\d+)"')


def worklist_keys():
    from reviewtool.worklists import WORKLISTS
    return {role.value: [w.key for w in lists] for role, lists in WORKLISTS.items()}


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the server -----------------------------------------------------------------------------------
class Server:
    def __init__(self, url, workers, port, log_path, entry, gc_freeze, experiments=()):
        self.port = port
        self.log_path = log_path
        env = dict(os.environ, DATABASE_URL=url, REVIEWTOOL_CONFIG="production",
                   SESSION_COOKIE_SECURE="0", PYTHONUNBUFFERED="1")
        env.pop("SECRET_KEY", None)
        key = secrets.token_urlsafe(48)
        if entry == "bench":
            env["BENCH_SECRET_KEY"] = key
            app, chdir = "wsgi_bench:app", str(BENCH)
        else:                      # the project's own wsgi.py, as a deployment would start it
            env["SECRET_KEY"] = key
            app, chdir = "wsgi:app", str(ROOT)
        if gc_freeze:
            env["BENCH_GC_FREEZE"] = "1"
        if experiments:
            if entry != "bench":
                raise SystemExit("--apply needs --entry bench")
            env["BENCH_EXPERIMENTS"] = ",".join(experiments)
        self.command = [sys.executable, "-m", "gunicorn", "--chdir", chdir, "-w", str(workers),
                        "-b", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "10",
                        app]
        self.log = open(log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(self.command, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn not ready after {timeout}s; see {self.log_path}")

    def stop(self):
        """SIGTERM to the gunicorn we started (its own process group), SIGKILL if it lingers."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log.close()

    def log_problems(self):
        text = open(self.log_path, encoding="utf-8", errors="replace").read()
        return {"tracebacks": text.count("Traceback"), "error_lines": text.count("[ERROR]"),
                "worker_timeouts": text.count("WORKER TIMEOUT")}


# --- the simulated users --------------------------------------------------------------------------
class Recorder:
    def __init__(self, max_requests):
        self.lock = threading.Lock()
        self.rows = []            # (end time, ms, kind, status, bytes, error)
        self.max_requests = max_requests
        self.full = threading.Event()

    def add(self, row):
        with self.lock:
            self.rows.append(row)
            if len(self.rows) >= self.max_requests:
                self.full.set()


class SimulatedUser(threading.Thread):
    def __init__(self, n, role, username, port, tabs, think, recorder, start_gate, stop, seed):
        super().__init__(name=f"user-{n}", daemon=True)
        self.role, self.username, self.port, self.tabs = role, username, port, tabs
        self.think, self.recorder, self.start_gate, self.stop = think, recorder, start_gate, stop
        self.rng = random.Random(seed)
        self.cookies = {}
        self.doc_ids = []
        self.login_error = None
        self.logged_in = threading.Event()

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers, data
        finally:
            conn.close()

    def login(self):
        status, _, page = self.request("GET", "/login")
        match = CSRF.search(page.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"GET /login: {status}, csrf token {'found' if match else 'missing'}")
        body = urlencode({"csrf_token": match.group(1), "username": self.username,
                          "password": DEMO_PASSWORD})
        status, headers, _ = self.request("POST", "/login", body=body)
        if status != 302 or "/login" in (headers.get("Location") or ""):
            raise RuntimeError(f"POST /login as {self.username}: {status}")

    def timed(self, kind, path, headers=None):
        began = time.perf_counter()
        status, error, data = 0, "", b""
        try:
            status, response_headers, data = self.request("GET", path, headers=headers)
            if status >= 400:
                error = f"HTTP {status}"
            elif status in (301, 302, 303) and "/login" in (response_headers.get("Location") or ""):
                error = "sent back to login"
        except Exception as exc:  # noqa: BLE001  (every failure is counted)
            error = type(exc).__name__
        took = (time.perf_counter() - began) * 1000
        self.recorder.add((time.time(), took, kind, status, len(data), error))
        return data

    def run(self):
        try:
            self.login()
        except Exception as exc:  # noqa: BLE001
            self.login_error = f"{type(exc).__name__}: {exc}"
        self.logged_in.set()
        self.start_gate.wait()
        if self.login_error:
            return
        while not self.stop.is_set() and not self.recorder.full.is_set():
            tab = self.rng.choice(self.tabs)
            if self.rng.random() < 0.3:
                data = self.timed("htmx tab", f"/documents/?list={tab}", {"HX-Request": "true"})
            else:
                data = self.timed("work list", f"/documents/?list={tab}")
            ids = DOC_LINK.findall(data.decode("utf-8", "replace"))
            if ids:
                self.doc_ids = ids
            self.pause()
            if self.doc_ids and not self.stop.is_set():
                self.timed("document", f"/documents/{self.rng.choice(self.doc_ids)}")
                self.pause()

    def pause(self):
        if self.think > 0:
            self.stop.wait(self.rng.uniform(0, 2 * self.think))


# --- the report -----------------------------------------------------------------------------------
def pct(values, p):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def summarize(rows, window):
    def stats(sub):
        ms = [r[1] for r in sub]
        return {"requests": len(sub), "per_s": round(len(sub) / window, 1),
                "p50_ms": round(statistics.median(ms), 1) if ms else 0,
                "p95_ms": round(pct(ms, 95), 1), "p99_ms": round(pct(ms, 99), 1),
                "max_ms": round(max(ms), 1) if ms else 0,
                "errors": sum(1 for r in sub if r[5]),
                "kb_avg": round(statistics.mean([r[4] for r in sub]) / 1024, 1) if sub else 0}
    kinds = sorted({r[2] for r in rows})
    errors = {}
    for r in rows:
        if r[5]:
            errors[r[5]] = errors.get(r[5], 0) + 1
    return {"all": stats(rows), "by_kind": {k: stats([r for r in rows if r[2] == k]) for k in kinds},
            "errors": errors}


def render(report):
    s = report["summary"]
    lines = [f"load run {report['meta']['when']}: {report['meta']['users']} users, "
             f"{report['meta']['window_s']:.0f} s, think {report['meta']['think_s']} s, "
             f"gunicorn -w {report['meta']['workers']} on 127.0.0.1:{report['meta']['port']}, "
             f"{report['meta']['database']} ({report['meta']['documents']:,} documents)"
             f"{', gc.freeze()' if report['meta']['gc_freeze'] else ''}; code "
             f"{report['meta']['code']['commit'][:10]}"
             f"{'; experiments: ' + ','.join(report['meta']['experiments']) if report['meta']['experiments'] else ''}",
             f"logins: {report['login']['ok']} ok, {report['login']['failed']} failed "
             f"in {report['login']['seconds']:.1f} s; warm-up {report['warmup']['seconds']:.0f} s "
             f"({report['warmup']['requests']} requests, {report['warmup']['errors']} errors, not counted)",
             "",
             f"{'request':<12} {'count':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
             f"{'max ms':>8} {'KB avg':>7} {'errors':>7}", "-" * 82]
    for name, st in list(s["by_kind"].items()) + [("all", s["all"])]:
        lines.append(f"{name:<12} {st['requests']:>8} {st['per_s']:>7} {st['p50_ms']:>8} "
                     f"{st['p95_ms']:>8} {st['p99_ms']:>8} {st['max_ms']:>8} {st['kb_avg']:>7} "
                     f"{st['errors']:>7}")
    lines += ["", f"errors: {s['errors'] or 'none'}; server log: {report['server_log']}"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else the local reviewtool_bench")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load")
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean seconds between a user's requests (0: as fast as possible)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load not counted")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=500_000, help="stop after this many")
    parser.add_argument("--entry", choices=["bench", "app"], default="bench",
                        help="bench: bench/wsgi_bench.py (works around config.py's SECRET_KEY check); "
                             "app: the project's wsgi.py with SECRET_KEY in the environment")
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() in each worker")
    parser.add_argument("--apply", default="", help="bench/experiments.py keys (or 'all') applied "
                        "in the workers; their indexes are created before and dropped after")
    parser.add_argument("--label", default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    if not 0 < args.duration <= 600 or not 0 < args.users <= 500:
        raise SystemExit("--duration must be in (0, 600] s and --users in (0, 500]")

    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.connect() as conn:
        documents = conn.execute(text("SELECT count(*) FROM document")).scalar()
    engine.dispose()

    RESULTS.mkdir(exist_ok=True)
    label = args.label or f"{database_name(url).rsplit('/', 1)[-1]}"
    port = free_port()
    log_path = RESULTS / f"load-{label}-gunicorn.log"
    tabs = worklist_keys()
    import experiments as exp
    keys = exp.expand(args.apply)
    chosen = [exp.EXPERIMENTS[k] for k in keys]
    create = [s for e in chosen for s in e.create_sql]
    if create:
        exp.run_sql(url, create)
    try:
        server = Server(url, args.workers, port, log_path, args.entry, args.gc_freeze, keys)
    except BaseException:
        exp.run_sql(url, [s for e in chosen for s in e.drop_sql])
        raise
    print(f"gunicorn -w {args.workers} on 127.0.0.1:{port} (pid {server.process.pid}), "
          f"{database_name(url)}, {documents:,} documents", flush=True)
    try:
        server.wait_ready()
        recorder = Recorder(args.max_requests)
        gate, stop = threading.Event(), threading.Event()
        users = []
        for n in range(args.users):
            role, username = ACCOUNTS[n % len(ACCOUNTS)]
            users.append(SimulatedUser(n, role, username, port, tabs[role], args.think, recorder,
                                       gate, stop, args.seed * 1000 + n))
        began = time.time()
        for u in users:
            u.start()
        for u in users:
            u.logged_in.wait(timeout=120)
        login_s = time.time() - began
        failed = [u.login_error for u in users if u.login_error or not u.logged_in.is_set()]
        print(f"{args.users - len(failed)} users logged in ({login_s:.1f} s); "
              f"load for {args.warmup:.0f} s warm-up + {args.duration:.0f} s ...", flush=True)
        gate.set()
        time.sleep(args.warmup)                # not counted: cold workers compile templates/SQL
        window_start = time.time()
        while time.time() - window_start < args.duration and not recorder.full.is_set():
            time.sleep(0.2)
        stop.set()
        window_end = time.time()
        for u in users:
            u.join(timeout=40)
        warm = [r for r in recorder.rows if r[0] < window_start]
        rows = [r for r in recorder.rows if r[0] >= window_start]
    finally:
        server.stop()
        drop = [s for e in chosen for s in e.drop_sql]
        if drop:
            exp.run_sql(url, drop)
    window = window_end - window_start
    report = {
        "meta": {"when": datetime.now().isoformat(timespec="seconds"), "users": args.users,
                 "window_s": round(window, 1), "think_s": args.think, "workers": args.workers,
                 "port": port, "database": database_name(url), "documents": documents,
                 "entry": args.entry, "gc_freeze": args.gc_freeze,
                 "accounts": [a[1] for a in ACCOUNTS], "code": code_version(),
                 "experiments": keys},
        "login": {"ok": args.users - len(failed), "failed": len(failed), "seconds": round(login_s, 1),
                  "errors": failed[:10]},
        "warmup": {"seconds": args.warmup, "requests": len(warm),
                   "errors": sum(1 for r in warm if r[5])},
        "summary": summarize(rows, window),
        "server_log": server.log_problems(),
    }
    text_ = render(report)
    print(text_)
    (RESULTS / f"load-{label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                                encoding="utf-8")
    (RESULTS / f"load-{label}.txt").write_text(text_ + "\n", encoding="utf-8")
    print(f"\nwritten bench/results/load-{label}.json and .txt; gunicorn stopped")
    total_errors = report["summary"]["all"]["errors"] + len(failed) + report["warmup"]["errors"]
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
