"""The office (办公室): the check queue, 退文, one-click return of untagged documents, the archive,
the dashboard of states, attributes and overdue deadlines."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..forms import BulkReturnForm
from ..deadlines import TRACKED, clocks_by_document, overdue_filter, running_filter, sort_by_due
from ..labels import Action, Clock, Disclosure, Role, State
from ..models import Division, Document, local_today
from ..workdays import unmaintained_warning, unmaintained_years
from ..workflow import disclosure_problems, post_hoc_open, return_all_untagged
from ..worklists import QUEUE_LIMIT, documents_in, worklist
from .common import act, comment_from_form, render, role_required

bp = Blueprint("office", __name__, url_prefix="/office")


@bp.get("/")
@role_required(Role.OFFICE)
def queue():
    return _queue_page(BulkReturnForm())


def _queue_page(bulk_form, **extra):
    """The check queue, each document with what (if anything) obliges the office to return it."""
    # The tagging rule reads redacted documents' bodies and spans: load them with the list.
    docs = documents_in(worklist(Role.OFFICE, "check"), current_user, limit=QUEUE_LIMIT,
                        with_body=True, options=[selectinload(Document.redaction_spans)])
    flagged = {doc.id: disclosure_problems(doc) for doc in docs}
    clocks = clocks_by_document(docs, Role.OFFICE)
    return render("office/queue.html", "office/_queue.html", docs=sort_by_due(docs, clocks),
                  flagged=flagged, clocks=clocks, post_hoc={d.id: post_hoc_open(d) for d in docs},
                  untagged=sum(1 for d in docs if flagged[d.id] and not post_hoc_open(d)),
                  bulk_form=bulk_form, **extra)


@bp.post("/<int:doc_id>/pass")
@role_required(Role.OFFICE)
def pass_on(doc_id):
    return act(doc_id, Action.OFFICE_PASS, comment_from_form())


@bp.post("/<int:doc_id>/return")
@role_required(Role.OFFICE)
def return_to_drafter(doc_id):
    return act(doc_id, Action.RETURN_TO_DRAFTER, comment_from_form())


@bp.post("/return-untagged")
@role_required(Role.OFFICE)
def return_untagged():
    returned = return_all_untagged(current_user, comment_from_form())
    db.session.commit()
    message = (f"已退文 {len(returned)} 件未标注或理由不合规的公文。" if returned
               else "审核队列中没有需要退文的公文。")
    if request.htmx:
        return _queue_page(BulkReturnForm(formdata=None), done=message)
    flash(message, "success")
    return redirect(url_for("office.queue"))


@bp.get("/archive")
@role_required(Role.OFFICE, Role.PRINCIPAL)
def archive():
    """Approved documents not published proactively, with their attribute and reason."""
    docs = documents_in(worklist(Role.OFFICE, "archived"), current_user, limit=QUEUE_LIMIT)
    return render("office/archive.html", docs=docs, State=State)


@bp.get("/dashboard")
@role_required(Role.OFFICE)
def dashboard():
    """Counts per state, per attribute, and overdue per clock per division; each links to its list."""
    by_state = dict(db.session.execute(select(Document.state, func.count()).group_by(Document.state)).all())
    by_attribute = dict(db.session.execute(
        select(Document.disclosure, func.count()).where(Document.state != State.DRAFT.value)
        .group_by(Document.disclosure)).all())
    divisions = db.session.scalars(select(Division).order_by(Division.name)).all()
    overdue, running = {}, {}
    for clock in TRACKED:
        overdue[clock] = dict(db.session.execute(
            select(Document.division_id, func.count()).where(overdue_filter(clock))
            .group_by(Document.division_id)).all())
        running[clock] = db.session.scalar(select(func.count()).where(running_filter(clock)))
    today = local_today()
    # Open deadlines fall due within about twice the longest clock's span from today.
    warning = unmaintained_warning(unmaintained_years(
        today, today + timedelta(days=Clock.PUBLISH.working_days * 3)))
    return render("office/dashboard.html", by_state=by_state, by_attribute=by_attribute,
                  divisions=divisions, overdue=overdue, running=running, clocks=TRACKED,
                  calendar_warning=warning)


@bp.get("/documents")
@role_required(Role.OFFICE)
def documents():
    """Every non-draft document, filtered by state, attribute, division and overdue clock."""
    state = State.get(request.args.get("state", ""))
    clock = Clock.get(request.args.get("clock", ""))
    disclosure = request.args.get("disclosure", "")
    division_id = request.args.get("division", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(Document).where(Document.state != State.DRAFT.value)
    if state:
        stmt = stmt.where(Document.state == state.value)
    if disclosure == "none":
        stmt = stmt.where(Document.disclosure.is_(None))
    elif Disclosure.get(disclosure):
        stmt = stmt.where(Document.disclosure == disclosure)
    if division_id:
        stmt = stmt.where(Document.division_id == division_id)
    if clock:
        if clock not in TRACKED:
            abort(404)
        stmt = stmt.where(overdue_filter(clock) if request.args.get("overdue") else running_filter(clock))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    per_page = current_app.config["PER_PAGE"]
    docs = db.session.scalars(
        stmt.options(joinedload(Document.division), joinedload(Document.drafter))
        .order_by(Document.updated_at.desc(), Document.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).unique().all()
    clocks = clocks_by_document(docs)
    if clock:
        docs = sort_by_due(docs, clocks)
    divisions = db.session.scalars(select(Division).order_by(Division.name)).all()
    return render("office/documents.html", "office/_documents.html", docs=docs, clocks=clocks,
                  total=total, page=page, pages=max(1, -(-total // per_page)), divisions=divisions,
                  filters=dict(state=state, clock=clock, disclosure=disclosure,
                               division=division_id, overdue=request.args.get("overdue")))
