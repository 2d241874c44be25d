#!/usr/bin/env python
"""Try candidate fixes without touching the app's files, and measure them like measure.py does.

    .venv/bin/python bench/experiments.py --list
    .venv/bin/python bench/experiments.py --database-url ...reviewtool_bench --apply count_star --label exp-count-star
    .venv/bin/python bench/experiments.py --database-url ...reviewtool_bench --apply all --label exp-all
    .venv/bin/python bench/measure.py --compare bench/results/measure-reviewtool_bench.json bench/results/measure-exp-all.json

Each experiment is a stand-in for a change to reviewtool/ (monkeypatched into this process
only) or to the schema (indexes created in the bench database before the run and dropped
after it, unless --keep-indexes).  The report says which change in the app each stands for.
"""
import argparse
import sys
from dataclasses import dataclass, field
from typing import Callable, Optional

from common import RESULTS, database_name, database_url

import measure


@dataclass
class Experiment:
    key: str
    stands_for: str
    patch: Optional[Callable] = None          # patch(app), before the first request
    create_sql: list = field(default_factory=list)
    drop_sql: list = field(default_factory=list)
    config: dict = field(default_factory=dict)


# --- stand-ins ----------------------------------------------------------------------------------
def _led(user):
    from sqlalchemy import select

    from reviewtool.models import division_leaders
    return select(division_leaders.c.division_id).where(division_leaders.c.user_id == user.id)


def _condition(worklist, user):
    from sqlalchemy import and_

    from reviewtool.models import Document
    parts = [Document.state.in_([s.value for s in worklist.states])]
    if worklist.mine_only:
        parts.append(Document.drafter_id == user.id)
    if worklist.led_only:
        parts += [Document.division_id.in_(_led(user)), Document.drafter_id != user.id]
    return and_(*parts)


def patch_count_star(app):
    """worklists.count_in: count(*) instead of count(document.id)."""
    from sqlalchemy import func, select

    from reviewtool import worklists
    from reviewtool.extensions import db
    from reviewtool.models import Document

    def count_in(worklist, user):
        return db.session.scalar(worklists._filtered(select(func.count()).select_from(Document),
                                                     worklist, user))
    worklists.count_in = count_in


COUNT_CAP = 1000


def patch_one_count_query(app):
    """worklists.counts: one statement for all tabs; a todo list is counted exactly (it is
    pending work, bounded by the workflow), a done list only up to COUNT_CAP (shown as
    "1000+"), so the cost no longer grows with the archive."""
    from sqlalchemy import func, literal, select

    from reviewtool import template_helpers, worklists
    from reviewtool.extensions import db
    from reviewtool.models import Document

    def counts(user):
        lists = worklists.worklists_for(user)
        if not lists:
            return {}
        columns = []
        for w in lists:
            rows = select(literal(1)).select_from(Document).where(_condition(w, user))
            if not w.todo:
                rows = rows.limit(COUNT_CAP)
            columns.append(select(func.count()).select_from(rows.subquery()).scalar_subquery()
                           .label(w.key))
        row = db.session.execute(select(*columns)).one()
        return dict(zip([w.key for w in lists], row))
    worklists.counts = counts
    template_helpers.counts = counts


def patch_defer_body(app):
    """worklists.documents_in: defer(Document.body_html) — no list shows the body."""
    from sqlalchemy.orm import defer

    from reviewtool import worklists
    from reviewtool.views import documents, office, publishing

    original = worklists.documents_in

    def documents_in(worklist, user, limit=None, offset=0):
        from sqlalchemy import select
        from sqlalchemy.orm import joinedload

        from reviewtool.extensions import db
        from reviewtool.models import Document
        stmt = (select(Document).options(defer(Document.body_html), joinedload(Document.division),
                                         joinedload(Document.drafter))
                .order_by(Document.is_urgent.desc(), Document.updated_at.desc(), Document.id.desc()))
        stmt = worklists._filtered(stmt, worklist, user)
        if limit:
            stmt = stmt.limit(limit).offset(offset)
        return db.session.scalars(stmt).unique().all()
    documents_in.original = original
    for module in (worklists, documents, office, publishing):
        module.documents_in = documents_in


def patch_page_size(app):
    """views/documents.py current_user_limit: PER_PAGE (50) rows per work list, not PER_PAGE*4."""
    from reviewtool.views import documents
    documents.current_user_limit = lambda: app.config["PER_PAGE"]


def _untagged_sql():
    """workflow.disclosure_problems as a SQL condition (for the queue's 须退文 number)."""
    from sqlalchemy import and_, func, not_, or_

    from reviewtool.labels import BOILERPLATE_REASONS, MIN_REASON_CHARS, Disclosure, LegalBasis
    from reviewtool.models import Document
    needs_channel = [d.value for d in Disclosure if d.needs_channel]
    stripped = func.regexp_replace(Document.reason_text, r"[^[:alnum:]]", "", "g")
    reason_bad = or_(func.btrim(Document.reason_text) == "",
                     func.char_length(stripped) < MIN_REASON_CHARS,
                     stripped.in_(sorted(BOILERPLATE_REASONS)))
    basis_ok = or_(*[and_(Document.disclosure == d.value,
                          Document.legal_basis.in_([b.value for b in LegalBasis.for_disclosure(d)]))
                     for d in Disclosure if d.needs_reason])
    return or_(Document.disclosure.is_(None),
               and_(Document.disclosure.in_(needs_channel), Document.channels == ""),
               and_(Document.disclosure.in_([d.value for d in Disclosure if d.needs_reason]),
                    or_(Document.legal_basis.is_(None), not_(basis_ok), reason_bad)))


def patch_paginate_queues(app):
    """office.queue, office.archive, publishing.queue: PER_PAGE rows a page (plus a pager),
    and the queue's totals (待审核 N 件, 须退文 M 件) from one SQL count instead of len(docs)."""
    from flask import current_app
    from flask_login import current_user
    from sqlalchemy import func, select

    from reviewtool.extensions import db
    from reviewtool.forms import BulkReturnForm
    from reviewtool.labels import Role, State
    from reviewtool.models import Document
    from reviewtool.views import office
    from reviewtool.views.common import render, role_required
    from reviewtool.workflow import disclosure_problems

    from reviewtool.worklists import WORKLISTS

    def docs(key, limit=None):
        worklist = next(w for w in WORKLISTS[Role.OFFICE] if w.key == key)
        return office.documents_in(worklist, current_user,
                                   limit=limit or current_app.config["PER_PAGE"])

    @role_required(Role.OFFICE)
    def queue():
        rows = docs("check")
        flagged = {doc.id: disclosure_problems(doc) for doc in rows}
        total, untagged = db.session.execute(
            select(func.count(), func.count().filter(_untagged_sql()))
            .select_from(Document).where(Document.state == State.OFFICE_CHECK.value)).one()
        return render("office/queue.html", "office/_queue.html", docs=rows, flagged=flagged,
                      untagged=untagged, total=total, bulk_form=BulkReturnForm())

    @role_required(Role.OFFICE, Role.PRINCIPAL)
    def archive():
        return render("office/archive.html", docs=docs("archived"), State=State)

    @role_required(Role.OFFICE)
    def publishing_queue():
        return render("publishing/queue.html", docs=docs("queue"), published=docs("published", 50))

    app.view_functions["office.queue"] = queue
    app.view_functions["office.archive"] = archive
    app.view_functions["publishing.queue"] = publishing_queue


def patch_eager_document(app):
    """views/common.py get_document_or_404: load the document with its division, drafter and
    events (each with its actor) in two statements instead of one per relation and actor."""
    from flask import abort
    from flask_login import current_user
    from sqlalchemy.orm import joinedload, selectinload

    from reviewtool.extensions import db
    from reviewtool.models import Document, Event
    from reviewtool.views import common, documents

    def get_document_or_404(doc_id):
        doc = db.session.get(Document, doc_id, options=[
            joinedload(Document.division), joinedload(Document.drafter),
            selectinload(Document.events).joinedload(Event.actor)])
        if doc is None or not doc.can_view(current_user):
            abort(404)
        return doc
    common.get_document_or_404 = get_document_or_404
    documents.get_document_or_404 = get_document_or_404


def patch_user_loader(app):
    """views/auth.py load_user: the user with division and led divisions in one statement
    (base.html shows current_user.division; can_view/leads read led_divisions)."""
    from sqlalchemy.orm import joinedload

    from reviewtool.extensions import db, login_manager
    from reviewtool.models import User

    def load_user(user_id):
        return db.session.get(User, int(user_id), options=[joinedload(User.division),
                                                           joinedload(User.led_divisions)])
    login_manager.user_loader(load_user)


ORDER_INDEXES = [
    "CREATE INDEX IF NOT EXISTS bench_ix_document_state_order ON document "
    "(state, is_urgent DESC, updated_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS bench_ix_document_order ON document "
    "(is_urgent DESC, updated_at DESC, id DESC)",
]
DROP_ORDER_INDEXES = ["DROP INDEX IF EXISTS bench_ix_document_state_order",
                      "DROP INDEX IF EXISTS bench_ix_document_order"]

ROLE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS bench_ix_document_division_state ON document "
    "(division_id, state, drafter_id)",
    "CREATE INDEX IF NOT EXISTS bench_ix_document_drafter_order ON document "
    "(drafter_id, is_urgent DESC, updated_at DESC, id DESC) INCLUDE (state)",
]
DROP_ROLE_INDEXES = ["DROP INDEX IF EXISTS bench_ix_document_division_state",
                     "DROP INDEX IF EXISTS bench_ix_document_drafter_order"]

EXPERIMENTS = {e.key: e for e in [
    Experiment("count_star", "worklists.py count_in: func.count() (count(*)) instead of "
               "func.count(Document.id): index-only scan of ix_document_state", patch_count_star),
    Experiment("one_count_query", "worklists.py counts: one statement for all tabs, done lists "
               "counted only up to 1000", patch_one_count_query),
    Experiment("order_indexes", "models.py Document: Index(state, is_urgent desc, updated_at desc, "
               "id desc) and Index(is_urgent desc, updated_at desc, id desc)",
               create_sql=ORDER_INDEXES + ["ANALYZE document"], drop_sql=DROP_ORDER_INDEXES),
    Experiment("role_indexes", "models.py Document: Index(division_id, state, drafter_id) and "
               "Index(drafter_id, is_urgent desc, updated_at desc, id desc, postgresql_include="
               "['state']) in place of the single-column division_id/drafter_id indexes: the "
               "division head's and drafter's counts index-only, the drafter's lists in order",
               create_sql=ROLE_INDEXES + ["VACUUM ANALYZE document"], drop_sql=DROP_ROLE_INDEXES),
    Experiment("defer_body", "worklists.py documents_in: .options(defer(Document.body_html))",
               patch_defer_body),
    Experiment("page_size", "views/documents.py: PER_PAGE rows per work list (50), not PER_PAGE*4",
               patch_page_size),
    Experiment("paginate_queues", "views/office.py queue/archive, views/publishing.py queue: "
               "limit PER_PAGE + pager; totals from one SQL count", patch_paginate_queues),
    Experiment("eager_document", "views/common.py get_document_or_404: joinedload division, "
               "drafter; selectinload events -> actor", patch_eager_document),
    Experiment("user_loader", "views/auth.py load_user: joinedload division and led_divisions",
               patch_user_loader),
    Experiment("no_pre_ping", "config.py: SQLALCHEMY_ENGINE_OPTIONS without pool_pre_ping "
               "(one round trip less per request; pool_recycle instead)",
               config={"SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800}}),
]}
ALL = ["count_star", "one_count_query", "order_indexes", "role_indexes", "defer_body", "page_size",
       "paginate_queues", "eager_document", "user_loader"]


def expand(apply):
    """'a,b' -> [a, b]; 'all' stands for ALL, so 'all,no_pre_ping' works."""
    keys = []
    for k in (k.strip() for k in apply.split(",")):
        for key in (ALL if k == "all" else [k] if k else []):
            if key not in EXPERIMENTS:
                raise SystemExit(f"unknown experiment {key!r}; see --list")
            if key not in keys:
                keys.append(key)
    return keys


def run_sql(url, statements):
    from sqlalchemy import create_engine, text
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for s in statements:
            conn.execute(text(s))
    engine.dispose()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--apply", default="", help="comma-separated experiment keys, or 'all'")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--label", help="results/measure-LABEL.json")
    parser.add_argument("-r", "--reps", type=int, default=50)
    parser.add_argument("--budget", type=float, default=20.0)
    parser.add_argument("--only", action="append")
    parser.add_argument("--keep-indexes", action="store_true")
    parser.add_argument("--explain", type=float, metavar="MS",
                        help="EXPLAIN ANALYZE statements slower than MS (as measure.py --explain)")
    args = parser.parse_args(argv)
    if args.list:
        for e in EXPERIMENTS.values():
            print(f"{e.key:<16} {e.stands_for}")
        print(f"{'all':<16} {', '.join(ALL)}")
        return 0
    keys = expand(args.apply)
    chosen = [EXPERIMENTS[k] for k in keys]
    url = database_url(args.database_url)
    config = {}
    for e in chosen:
        config.update(e.config)
    create = [s for e in chosen for s in e.create_sql]
    drop = [s for e in chosen for s in e.drop_sql]
    if create:
        run_sql(url, create)
    measure.EXTRA_CONFIG.update(config)

    def setup(app):
        for e in chosen:
            if e.patch:
                e.patch(app)
    try:
        report = measure.run(url, reps=args.reps, budget=args.budget, only=args.only, setup=setup,
                             explain_ms=args.explain)
    finally:
        if drop and not args.keep_indexes:
            run_sql(url, drop)
    report["meta"]["experiments"] = {e.key: e.stands_for for e in chosen}
    print("experiments: " + ("; ".join(f"{e.key} ({e.stands_for})" for e in chosen) or "none"))
    print(measure.table(report))
    import json
    label = args.label or f"exp-{'+'.join(keys) or 'none'}-{database_name(url).rsplit('/', 1)[-1]}"
    path = RESULTS / f"measure-{label}.json"
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    (RESULTS / f"measure-{label}.txt").write_text(measure.table(report) + "\n", encoding="utf-8")
    print(f"\nwritten {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
