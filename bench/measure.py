#!/usr/bin/env python
"""Measure the main pages in-process: latency, SQL statements, bytes, and the framework floor.

    .venv/bin/python bench/measure.py --database-url postgresql://postgres@127.0.0.1/reviewtool_bench
    .venv/bin/python bench/measure.py --compare bench/results/measure-1k.json bench/results/measure-100k.json

Each page of PAGES is requested through the WSGI app with Flask's test client, logged in as
the demo account of its role (bench/common.py ROLE_USERS), R times after a warm-up.  For
each it records the median and p95 latency, the SQL statements per request (counted with
SQLAlchemy's ``before_cursor_execute`` event) and the time spent in them, and the bytes of
the response.  FRAGMENTS are the same URLs asked for as htmx does (header HX-Request: true);
their bytes are set against the full page's.

The framework floor: the first request of each page records the template it rendered and
the context it rendered it with (Flask's ``template_rendered`` signal).  A bare route of the
bench app, /__floor/<page>, then renders that same template with that same context — the
same rows, already loaded — for the same logged-in client, with no query at all (not even
the user loader or the nav counts).  What the page costs above its floor is the app's own
work: its queries and the Python around them.  Each page's median is shown as a ratio to
its floor's median.

Targets (bench/README.md): p95 <= 50 ms and median <= 2x floor at 100,000 documents;
statements per page the same at 1k and 100k (see --compare).

To add a page, append a Page to PAGES (or FRAGMENTS).  ``path`` is a URL or a function of
the Picker (which finds a document id the way a user of that role would, by clicking
the first row of a work list).  ``role`` None requests the page without logging in.
``optional=True`` pages that answer 404 are reported as "not there yet" instead of failing.
"""
import argparse
import fnmatch
import gc
import json
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Callable, Optional, Union

from common import (DEMO_PASSWORD, RESULTS, ROLE_USERS, bench_app, code_version,  # noqa: F401
                    database_name, database_url)


# --- what is measured ---------------------------------------------------------------------------
@dataclass
class Page:
    name: str
    role: Optional[str]                       # a key of ROLE_USERS, or None: not logged in
    path: Union[str, Callable]                # a URL, or picker -> URL
    htmx: bool = False                        # ask as htmx does (HX-Request: true)
    full: Optional[str] = None                # for a fragment: the page it is swapped into
    optional: bool = False                    # a 404 means "not built yet", not a failure
    floor: bool = True                        # also time the framework floor


def first_in(role, list_key):
    """The first document of a role's work list, as a user would click it."""
    return lambda picker: f"/documents/{picker.first_in(role, list_key)}"


def history_of(role, list_key):
    return lambda picker: f"/documents/{picker.first_in(role, list_key)}/history"


def worklist_pages(htmx=False):
    """One page per tab of every role's work lists, from the app's own WORKLISTS table."""
    from reviewtool.worklists import WORKLISTS
    pages = []
    for role, lists in WORKLISTS.items():
        for w in lists:
            name = f"list {role.value}/{w.key}"
            pages.append(Page(("htmx " if htmx else "") + name, role.value,
                              f"/documents/?list={w.key}", htmx=htmx, full=name if htmx else None))
    return pages


def build_pages():
    pages = worklist_pages() + [
        Page("office queue", "office", "/office/"),
        Page("publishing queue", "office", "/publishing/"),
        Page("archive", "office", "/office/archive"),
        Page("view office/check", "office", first_in("office", "check")),
        Page("view division_head/inbox", "division_head", first_in("division_head", "inbox")),
        Page("view principal/inbox", "principal", first_in("principal", "inbox")),
        Page("view drafter/done", "drafter", first_in("drafter", "done")),
        Page("history office/published", "office", history_of("office", "published")),
        # The public catalogue (公开目录), anonymous; reported as "not there yet" until it exists.
        Page("gk catalogue", None, "/gk/", optional=True),
    ]
    fragments = worklist_pages(htmx=True) + [
        Page("htmx office queue", "office", "/office/", htmx=True, full="office queue"),
    ]
    return pages, fragments


class Picker:
    """Finds the documents a page is about, before anything is timed."""

    def __init__(self, app):
        self.app = app
        self._cache = {}

    def first_in(self, role, list_key):
        key = (role, list_key)
        if key not in self._cache:
            from sqlalchemy import select

            from reviewtool.extensions import db
            from reviewtool.labels import Role
            from reviewtool.models import User
            from reviewtool.worklists import WORKLISTS, documents_in
            with self.app.app_context():
                user = db.session.scalar(select(User).filter_by(username=ROLE_USERS[role]))
                worklist = next(w for w in WORKLISTS[Role(role)] if w.key == list_key)
                docs = documents_in(worklist, user, limit=1)
                if not docs:
                    raise LookupError(f"{role}'s list {list_key} is empty")
                self._cache[key] = docs[0].id
        return self._cache[key]


# --- the harness --------------------------------------------------------------------------------
class SQLCounter:
    def __init__(self, engine):
        from sqlalchemy import event
        self.statements = []
        self.recording = False
        self._start = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._start[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        took = time.perf_counter() - self._start.pop(id(cursor), time.perf_counter())
        self.statements.append((statement, parameters, took))

    def reset(self):
        self.statements = []


FLOORS = {}          # page name -> (template, context) captured from the real page
EXTRA_CONFIG = {}    # more app config (bench/experiments.py sets engine options here)


def make_app(url):
    from flask import g, request, session, template_rendered

    app = bench_app(url, WTF_CSRF_ENABLED=False, **EXTRA_CONFIG)

    @app.get("/__floor/<path:name>")
    def framework_floor(name):
        """Render a page's template with its captured context: Flask + Jinja, no SQL."""
        template, context = FLOORS[name]
        context = dict(context, request=request, session=session, g=g)
        return template.render(context)

    captured = []
    template_rendered.connect(lambda sender, template, context, **extra:
                              captured.append((template, dict(context))), app, weak=False)
    app.bench_captured = captured
    return app


def login(app, role):
    client = app.test_client()
    if role is None:
        return client
    response = client.post("/login", data={"username": ROLE_USERS[role], "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"cannot log in as {ROLE_USERS[role]} ({role}): HTTP {response.status_code}")
    return client


def pct(values, p):
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


@dataclass
class Result:
    name: str
    role: Optional[str]
    path: str
    htmx: bool
    full: Optional[str]
    status: int = 0
    note: str = ""
    reps: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    min_ms: float = 0.0
    max_ms: float = 0.0
    statements: int = 0
    statements_varied: bool = False
    sql_ms_p50: float = 0.0
    bytes: int = 0
    floor_p50_ms: Optional[float] = None
    floor_p95_ms: Optional[float] = None
    floor_statements: Optional[int] = None
    floor_ratio: Optional[float] = None
    full_bytes: Optional[int] = None
    verdict: str = ""
    sql: list = field(default_factory=list)


def settle():
    """Collect, then freeze what exists (the app, the harness, captured floors) so that the
    requests timed next pay only for collecting their own garbage.  Without this a full
    collection of the ~100k long-lived objects takes ~60 ms on the 2-core bench machine and
    lands in some request's time; see README "GC pauses" for the same thing in gunicorn."""
    gc.collect()
    gc.freeze()


def time_requests(client, counter, path, headers, reps, budget):
    times, counts, sql_times, sizes, statuses = [], [], [], [], set()
    began = time.perf_counter()
    for i in range(reps):
        counter.reset()
        t0 = time.perf_counter()
        response = client.get(path, headers=headers)
        data = response.get_data()
        took = time.perf_counter() - t0
        times.append(took * 1000)
        counts.append(len(counter.statements))
        sql_times.append(sum(s[2] for s in counter.statements) * 1000)
        sizes.append(len(data))
        statuses.add(response.status_code)
        if i >= 4 and time.perf_counter() - began > budget:
            break
    return times, counts, sql_times, sizes, statuses


def measure_page(app, clients, counter, picker, page, reps, warmup, budget, explain_ms):
    path = page.path(picker) if callable(page.path) else page.path
    result = Result(page.name, page.role, path, page.htmx, page.full)
    client = clients[page.role]
    headers = {"HX-Request": "true"} if page.htmx else {}

    # first request: the template and context for the floor, and the statements for --sql
    app.bench_captured.clear()
    counter.reset()
    first_began = time.perf_counter()
    response = client.get(path, headers=headers)
    result.status = response.status_code
    first_statements = list(counter.statements)
    if response.status_code != 200:
        result.note = ("not there yet (404)" if page.optional and response.status_code == 404
                       else f"HTTP {response.status_code}")
        result.verdict = "skip" if page.optional and response.status_code == 404 else "FAIL"
        return result
    result.sql = [{"ms": round(t * 1000, 2), "sql": " ".join(s.split())[:400]}
                  for s, _, t in first_statements]
    if explain_ms is not None:
        explain(app, [(s, p) for s, p, t in first_statements if t * 1000 >= explain_ms], page.name)

    if time.perf_counter() - first_began > 1.0:
        warmup = min(warmup, 1)          # a slow page: one warm-up is enough
    for _ in range(warmup):
        client.get(path, headers=headers)
    settle()
    times, counts, sql_times, sizes, statuses = time_requests(client, counter, path, headers,
                                                              reps, budget)
    if statuses != {200}:
        result.note = f"statuses {sorted(statuses)}"
        result.verdict = "FAIL"
    result.reps = len(times)
    result.p50_ms = round(statistics.median(times), 2)
    result.p95_ms = round(pct(times, 95), 2)
    result.min_ms, result.max_ms = round(min(times), 2), round(max(times), 2)
    result.statements = statistics.mode(counts)
    result.statements_varied = len(set(counts)) > 1
    result.sql_ms_p50 = round(statistics.median(sql_times), 2)
    result.bytes = int(statistics.median(sizes))

    if page.floor and app.bench_captured:
        template, context = app.bench_captured[-1]
        FLOORS[page.name] = (template, context)
        floor_path = f"/__floor/{page.name}"
        for _ in range(warmup):
            client.get(floor_path, headers=headers)
        settle()
        ftimes, fcounts, _, fsizes, fstatuses = time_requests(client, counter, floor_path, headers,
                                                              reps, budget)
        if fstatuses != {200}:
            result.note += f" floor statuses {sorted(fstatuses)}"
        result.floor_p50_ms = round(statistics.median(ftimes), 2)
        result.floor_p95_ms = round(pct(ftimes, 95), 2)
        result.floor_statements = max(fcounts)
        result.floor_ratio = round(result.p50_ms / result.floor_p50_ms, 2)
        if abs(statistics.median(fsizes) - result.bytes) > 0.02 * result.bytes + 200:
            result.note += f" floor bytes {int(statistics.median(fsizes))} differ"
    if not result.verdict:
        missed = []
        if result.p95_ms > 50:
            missed.append("p95>50")
        if result.floor_ratio is not None and result.floor_ratio > 2:
            missed.append("floor>2x")
        result.verdict = " ".join(missed) or "ok"
    return result


def explain(app, statements, name):
    """EXPLAIN (ANALYZE, BUFFERS) of the slow statements of a page (PostgreSQL only)."""
    from reviewtool.extensions import db
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = "\n      ".join(row[0] for row in cursor.fetchall())
                print(f"\n  -- {name}: {' '.join(statement.split())[:300]}\n      {plan}")
            raw.rollback()
        finally:
            raw.close()


def run(url, reps=50, warmup=3, budget=20.0, only=None, explain_ms=None, setup=None, quiet=False):
    """Measure every page and fragment; returns the report dict.  ``setup(app)`` may patch
    the app before the first request (bench/experiments.py uses it)."""
    from sqlalchemy import func, select, text

    from reviewtool.extensions import db
    from reviewtool.models import Document, DocumentVersion, Event

    app = make_app(url)
    if setup:
        setup(app)
    pages, fragments = build_pages()
    if only:
        keep = lambda p: any(fnmatch.fnmatch(p.name, pattern) for pattern in only)  # noqa: E731
        pages = [p for p in pages if keep(p) or any(keep(f) and f.full == p.name for f in fragments)]
        fragments = [f for f in fragments if keep(f)]
    with app.app_context():
        counter = SQLCounter(db.engine)
        sizes = {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                 for m in (Document, DocumentVersion, Event)}
        by_state = dict(db.session.execute(text(
            "SELECT state, count(*) FROM document GROUP BY state ORDER BY state")).all())
        indexes = [r[0] for r in db.session.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname"
        )).all()] if db.engine.dialect.name == "postgresql" else []
    picker = Picker(app)
    clients = {role: login(app, role) for role in {p.role for p in pages + fragments}}

    results = []
    for page in pages + fragments:
        began = time.perf_counter()
        result = measure_page(app, clients, counter, picker, page, reps, warmup, budget, explain_ms)
        results.append(result)
        if not quiet:
            print(f"  {page.name:<34} p50 {result.p50_ms:8.2f} ms  p95 {result.p95_ms:8.2f} ms  "
                  f"{result.statements:3d} stmts  {result.bytes:>9,} B  "
                  f"floor {result.floor_p50_ms or 0:6.2f} ms  "
                  f"({time.perf_counter() - began:.1f}s) {result.note}", file=sys.stderr, flush=True)
    by_name = {r.name: r for r in results}
    for r in results:
        if r.full and r.full in by_name:
            r.full_bytes = by_name[r.full].bytes
    from importlib import metadata
    return {
        "meta": {"when": datetime.now().isoformat(timespec="seconds"),
                 "database": database_name(url), "rows": sizes, "documents_by_state": by_state,
                 "reps": reps, "warmup": warmup, "budget_s": budget,
                 "python": platform.python_version(), "flask": metadata.version("flask"),
                 "sqlalchemy": metadata.version("sqlalchemy"), "machine": platform.machine(),
                 "indexes": indexes, "code": code_version()},
        "pages": [asdict(r) for r in results if not r.htmx],
        "fragments": [asdict(r) for r in results if r.htmx],
    }


# --- the report ---------------------------------------------------------------------------------
def table(report):
    meta = report["meta"]
    lines = [f"{meta['database']}: {meta['rows']['document']:,} documents, "
             f"{meta['rows']['document_version']:,} versions, {meta['rows']['event']:,} events; "
             f"{meta['reps']} reps after {meta['warmup']} warm-up; {meta['when']}; code "
             f"{meta.get('code', {}).get('commit', '?')[:10]}"
             f"{' + edits to ' + ', '.join(meta['code']['edited']) if meta.get('code', {}).get('edited') else ''}",
             "",
             f"{'page':<34} {'role':<13} {'stmts':>5} {'sql ms':>7} {'p50 ms':>8} {'p95 ms':>8} "
             f"{'bytes':>10} {'floor ms':>8} {'x floor':>7}  verdict",
             "-" * 124]
    for r in report["pages"]:
        if r["verdict"] in ("skip", "FAIL") and not r["reps"]:
            lines.append(f"{r['name']:<34} {r['role'] or 'anonymous':<13} {r['note']}")
            continue
        stmts = f"{r['statements']}{'~' if r['statements_varied'] else ''}"
        floor = f"{r['floor_p50_ms']:8.2f}" if r["floor_p50_ms"] is not None else f"{'—':>8}"
        ratio = f"{r['floor_ratio']:7.1f}" if r["floor_ratio"] is not None else f"{'—':>7}"
        lines.append(f"{r['name']:<34} {r['role'] or 'anonymous':<13} {stmts:>5} {r['sql_ms_p50']:7.2f} "
                     f"{r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {r['bytes']:>10,} {floor} {ratio}  "
                     f"{r['verdict']}{'  ' + r['note'] if r['note'] else ''}")
    if report["fragments"]:
        lines += ["", f"{'htmx fragment':<34} {'role':<13} {'stmts':>5} {'sql ms':>7} {'p50 ms':>8} "
                      f"{'p95 ms':>8} {'bytes':>10} {'page B':>10} {'share':>6}",
                  "-" * 110]
        for r in report["fragments"]:
            share = f"{100 * r['bytes'] / r['full_bytes']:5.1f}%" if r.get("full_bytes") else "—"
            lines.append(f"{r['name']:<34} {r['role'] or 'anonymous':<13} {r['statements']:>5} "
                         f"{r['sql_ms_p50']:7.2f} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} "
                         f"{r['bytes']:>10,} {r['full_bytes'] or 0:>10,} {share:>6}  {r['note']}")
    counted = [r for r in report["pages"] if r["verdict"] != "skip"]
    missed = [r["name"] for r in counted if r["verdict"] != "ok"]
    fast = [r for r in counted if r["reps"] and r["p95_ms"] <= 50]
    lines += ["", f"targets: {len(counted) - len(missed)} of {len(counted)} pages meet both; "
                  f"{len(fast)} of {len(counted)} have p95 <= 50 ms"
                  + (f"; missed: {', '.join(missed)}" if missed else "")]
    return "\n".join(lines)


def compare(a, b):
    """Side by side: statements must not grow with N; latency and bytes may."""
    ra = {r["name"]: r for r in a["pages"] + a["fragments"]}
    lines = [f"A = {a['meta']['database']} ({a['meta']['rows']['document']:,} documents)   "
             f"B = {b['meta']['database']} ({b['meta']['rows']['document']:,} documents)", "",
             f"{'page':<34} {'stmts A':>7} {'stmts B':>7} {'p50 A':>8} {'p50 B':>8} {'p95 A':>8} "
             f"{'p95 B':>8} {'xfloor A':>8} {'xfloor B':>8} {'bytes A':>10} {'bytes B':>10}  statements",
             "-" * 148]
    grew = []
    for r in b["pages"] + b["fragments"]:
        o = ra.get(r["name"])
        if o is None or not r["reps"] or not o["reps"]:
            continue
        same = o["statements"] == r["statements"]
        if not same:
            grew.append(r["name"])
        fa = f"{o['floor_ratio']:8.1f}" if o.get("floor_ratio") else f"{'—':>8}"
        fb = f"{r['floor_ratio']:8.1f}" if r.get("floor_ratio") else f"{'—':>8}"
        lines.append(f"{r['name']:<34} {o['statements']:>7} {r['statements']:>7} {o['p50_ms']:8.2f} "
                     f"{r['p50_ms']:8.2f} {o['p95_ms']:8.2f} {r['p95_ms']:8.2f} {fa} {fb} "
                     f"{o['bytes']:>10,} {r['bytes']:>10,}  {'constant' if same else 'CHANGED'}")
    lines += ["", "statements per page constant in N" if not grew
              else f"statements changed with N: {', '.join(grew)}"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else the local reviewtool_bench")
    parser.add_argument("-r", "--reps", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per page after which repetitions stop (at least 5 are made)")
    parser.add_argument("--only", action="append", help="glob of page names (repeatable)")
    parser.add_argument("--label", help="name of the JSON file (default: from the database)")
    parser.add_argument("--sql", action="store_true", help="print each page's statements")
    parser.add_argument("--explain", type=float, metavar="MS",
                        help="EXPLAIN ANALYZE every statement slower than MS on the first request")
    parser.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"))
    args = parser.parse_args(argv)
    if args.compare:
        a, b = (json.loads(open(p, encoding="utf-8").read()) for p in args.compare)
        print(compare(a, b))
        return 0
    url = database_url(args.database_url)
    report = run(url, reps=args.reps, warmup=args.warmup, budget=args.budget, only=args.only,
                 explain_ms=args.explain)
    print(table(report))
    if args.sql:
        for r in report["pages"] + report["fragments"]:
            print(f"\n{r['name']} ({r['path']}):")
            for s in r["sql"]:
                print(f"  {s['ms']:7.2f} ms  {s['sql'][:200]}")
    RESULTS.mkdir(exist_ok=True)
    label = args.label or database_name(url).rsplit("/", 1)[-1]
    path = RESULTS / f"measure-{label}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    (RESULTS / f"measure-{label}.txt").write_text(table(report) + "\n", encoding="utf-8")
    print(f"\nwritten {path.relative_to(RESULTS.parent.parent)} and .txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
