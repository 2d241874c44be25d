"""The office (办公室): the check queue, 退文, one-click return of untagged documents, the archive,
the dashboard of states, attributes and overdue deadlines, the document search."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..calendar.workdays import unmaintained_warning, unmaintained_years
from ..dates import local_today
from ..deadlines import TRACKED, clocks_by_document, sort_by_due
from ..forms import BulkReturnForm
from ..labels import Action, Clock, Role, State
from ..models import Document
from ..queries import reports
from ..queries.worklists import QUEUE_LIMIT, documents_in, worklist
from ..rules import disclosure_problems, post_hoc_open
from ..workflow import return_all_untagged
from .common import performs, render, request_page, role_required
from .panels import act

bp = Blueprint("office", __name__, url_prefix="/office")


@bp.get("/")
@role_required(Role.OFFICE)
def queue():
    return _queue_page(BulkReturnForm())


def _queue_page(bulk_form, status=200, **extra):
    """The check queue, each document with what (if anything) obliges the office to return it."""
    # The tagging rule reads redacted documents' bodies and spans: load them with the list.
    docs = documents_in(worklist(Role.OFFICE, "check"), current_user, limit=QUEUE_LIMIT,
                        with_body=True, options=[selectinload(Document.redaction_spans)])
    flagged = {doc.id: disclosure_problems(doc) for doc in docs}
    clocks = clocks_by_document(docs, Role.OFFICE)
    return render("office/queue.html", "office/_queue.html", status, refresh_nav=bool(extra),
                  docs=sort_by_due(docs, clocks), flagged=flagged, clocks=clocks,
                  post_hoc={d.id: post_hoc_open(d) for d in docs},
                  untagged=sum(1 for d in docs if flagged[d.id] and not post_hoc_open(d)),
                  bulk_form=bulk_form, **extra)


@bp.post("/<int:doc_id>/pass")
@role_required(Role.OFFICE)
@performs(bp, Action.OFFICE_PASS)
def pass_on(doc_id):
    return act(doc_id, Action.OFFICE_PASS)


@bp.post("/<int:doc_id>/return")
@role_required(Role.OFFICE)
@performs(bp, Action.RETURN_TO_DRAFTER)
def return_to_drafter(doc_id):
    return act(doc_id, Action.RETURN_TO_DRAFTER)


@bp.post("/return-untagged")
@role_required(Role.OFFICE)
def return_untagged():
    form = BulkReturnForm()
    if not form.validate():
        return _queue_page(form, 422)
    returned = return_all_untagged(current_user, form.comment.data or "")
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
    return render("office/archive.html", docs=docs)


@bp.get("/dashboard")
@role_required(Role.OFFICE)
def dashboard():
    """Counts per state, per attribute, and overdue per clock per division; each links to its list."""
    today = local_today()
    # Open deadlines fall due within about twice the longest clock's span from today.
    warning = unmaintained_warning(unmaintained_years(
        today, today + timedelta(days=Clock.PUBLISH.working_days * 3)))
    return render("office/dashboard.html", dash=reports.dashboard(), clocks=TRACKED,
                  calendar_warning=warning)


@bp.get("/documents")
@role_required(Role.OFFICE)
def documents():
    """Every non-draft document, filtered by state, attribute, division and overdue clock."""
    filters = reports.DocumentFilter(
        state=State.get(request.args.get("state", "")),
        disclosure=request.args.get("disclosure", "")[:20],
        division_id=request.args.get("division", type=int) if _small_int("division") else None,
        clock=Clock.get(request.args.get("clock", "")),
        overdue=bool(request.args.get("overdue")))
    if request.args.get("clock") and filters.clock is None:
        abort(404)
    page = request_page()
    per_page = current_app.config["PER_PAGE"]
    total, docs = reports.search_documents(filters, page, per_page)
    clocks = clocks_by_document(docs)
    if filters.clock:
        docs = sort_by_due(docs, clocks)
    return render("office/documents.html", "office/_documents.html", docs=docs, clocks=clocks,
                  total=total, page=page, pages=max(1, -(-total // per_page)),
                  divisions=reports.divisions(), filters=filters)


def _small_int(name):
    value = request.args.get(name, "")
    return value.isascii() and value.isdigit() and len(value) <= 9
