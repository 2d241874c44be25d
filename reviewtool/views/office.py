"""The office (办公室): the check queue, 退文, one-click return of untagged documents, the archive,
the dashboard of states, attributes and overdue deadlines, the document search."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..calendar.workdays import unmaintained_warning, unmaintained_years
from ..dates import local_today
from ..deadlines import TRACKED, clocks_by_document, sort_by_due
from .. import permissions, rereview
from ..errors import Invalid, WorkflowError
from ..forms import BulkReturnForm, LinkDecisionForm, NextReviewForm, PeriodForm, ReReviewForm
from ..labels import ACTION_BUTTONS, HISTORY_COLUMNS, Action, Clock, Role, State
from ..models import Document
from ..operations import link_decision, set_next_review
from ..queries import history as history_queries
from ..queries import annual, reports, reviews
from ..queries.worklists import QUEUE_LIMIT, documents_in, worklist
from ..rules import disclosure_problems, post_hoc_open
from ..workflow import allowed_actions, perform, return_all_untagged
from . import exports
from .common import get_document_or_404, performs, render, request_page, role_required
from .panels import act, act_named

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


# --- the audit trail of a period (流转记录) ---------------------------------------------------------
HISTORY_PAGE = 100


def _period_form():
    """The period asked for; by default this month up to today."""
    today = local_today()
    if not request.args:
        return PeriodForm(formdata=None, start=today.replace(day=1), end=today), True
    form = PeriodForm(formdata=request.args)
    return form, form.validate()


@bp.get("/history")
@role_required(Role.OFFICE)
def history():
    """Every event of a period, in the order written; exported as CSV or XLSX."""
    form, valid = _period_form()
    if not valid:
        return render("office/history.html", status=422, form=form, events=[], total=0, page=1,
                      pages=1)
    page = request_page()
    total = history_queries.period_count(form.start.data, form.end.data)
    events = history_queries.period_events(form.start.data, form.end.data, HISTORY_PAGE,
                                           (page - 1) * HISTORY_PAGE)
    return render("office/history.html", form=form, events=events, total=total, page=page,
                  pages=max(1, -(-total // HISTORY_PAGE)))


@bp.get("/history.<fmt>")
@role_required(Role.OFFICE)
def history_export(fmt):
    if fmt not in exports.FORMATS:
        abort(404)
    form, valid = _period_form()
    if not valid:
        return render("office/history.html", status=422, form=form, events=[], total=0, page=1,
                      pages=1)
    start, end = form.start.data, form.end.data
    rows = [history_queries.event_row(e) for e in history_queries.period_events(start, end)]
    return exports.table_download(HISTORY_COLUMNS, rows, fmt, f"history-{start}-{end}", "流转记录")


# --- 定期评估审查 (periodic re-review, 条例第十八条) ----------------------------------------------------
RE_REVIEW_PAGE = 100
OUTCOMES = {"keep": Action.RE_REVIEW_KEEP, "to_proactive": Action.CONVERT_TO_PROACTIVE,
            "to_redacted": Action.CONVERT_TO_REDACTED}


@bp.get("/re-review")
@role_required(Role.OFFICE)
def re_review():
    """What is due and overdue, by division, sorted by due date; the conversions under way."""
    show = request.args.get("show", "due")
    if show not in reviews.SHOW:
        abort(404)
    division_id = request.args.get("division", type=int) if _small_int("division") else None
    page = request_page()
    today = local_today()
    total, docs = reviews.due(today, show, division_id, RE_REVIEW_PAGE, (page - 1) * RE_REVIEW_PAGE)
    return render("office/re_review.html", docs=docs, total=total, page=page,
                  pages=max(1, -(-total // RE_REVIEW_PAGE)), show=show, division_id=division_id,
                  summary=reviews.division_summary(today), today=today,
                  horizon=reviews.HORIZON_DAYS, shows=reviews.SHOW,
                  conversions=reviews.conversions_under_way(), months=rereview.period_months())


def _re_review_page(doc, form=None, date_form=None, link_form=None, status=200, error=None):
    actions = [a for a in allowed_actions(doc, current_user) if a in OUTCOMES.values()]
    outcome_of = {action: key for key, action in OUTCOMES.items()}
    date_form = date_form or NextReviewForm(formdata=None, next_review_on=doc.next_review_on)
    link_form = link_form or LinkDecisionForm(formdata=None, decision=str(doc.prepares_decision_id or ""))
    return render("office/re_review_document.html", status=status, doc=doc,
                  form=form or ReReviewForm(formdata=None, channels=[c.value for c in doc.channel_list]),
                  date_form=date_form, link_form=link_form, error=error,
                  outcomes=[(outcome_of[a], ACTION_BUTTONS[a]) for a in actions], today=local_today(),
                  can_schedule=permissions.can_schedule_re_review(doc, current_user),
                  time_bound=rereview.is_time_bound(doc), months=rereview.period_months())


@bp.get("/re-review/<int:doc_id>")
@role_required(Role.OFFICE)
def re_review_document(doc_id):
    return _re_review_page(get_document_or_404(doc_id))


@bp.post("/re-review/<int:doc_id>/<outcome>")
@role_required(Role.OFFICE)
@performs(bp, Action.RE_REVIEW_KEEP, outcome="keep")
@performs(bp, Action.CONVERT_TO_PROACTIVE, outcome="to_proactive")
@performs(bp, Action.CONVERT_TO_REDACTED, outcome="to_redacted")
def re_review_decide(doc_id, outcome):
    """The office's outcome with its written reason (and channels, for a conversion)."""
    action = OUTCOMES.get(outcome)
    if action is None:
        abort(404)
    doc = get_document_or_404(doc_id)
    form = ReReviewForm()
    if not form.validate():
        return _re_review_page(doc, form, status=422, error="请按提示更正后再提交。")
    try:
        perform(doc, action, current_user, form.comment.data, channels=form.channels.data or [])
    except Invalid as error:
        for name, message in error.problems.items():
            getattr(form, name, form.comment).errors = [message]
        return _re_review_page(doc, form, status=error.status, error=error.message)
    except WorkflowError as error:
        return _re_review_page(doc, form, status=error.status, error=error.message)
    if action == Action.CONVERT_TO_REDACTED:
        flash("已记录转为删减后公开。请标注删除的内容及其依据，然后报请主要负责人签发。", "success")
        return redirect(url_for("redactions.edit", doc_id=doc.id))
    flash(f"已{action.label}：{doc.title}"
          + ("。已报请主要负责人签发。" if action == Action.CONVERT_TO_PROACTIVE
             else f"，下次评估审查日期为{doc.next_review_on}。"), "success")
    return redirect(url_for("office.re_review"))


@bp.post("/conversion/<int:doc_id>/<step>")
@role_required(Role.OFFICE)
@performs(bp, Action.CONVERSION_SUBMIT, step="submit")
@performs(bp, Action.CONVERSION_WITHDRAW, step="withdraw")
def conversion(doc_id, step):
    """A conversion under way: sent to the principal, or withdrawn by the office."""
    return act_named(doc_id, step, {"submit": Action.CONVERSION_SUBMIT,
                                    "withdraw": Action.CONVERSION_WITHDRAW})


@bp.post("/re-review/<int:doc_id>/date")
@role_required(Role.OFFICE)
def re_review_date(doc_id):
    """The office sets this document's next re-review date."""
    return _schedule(doc_id, NextReviewForm(), "date_form", "next_review_on", "未能设定日期",
                     lambda doc, form: set_next_review(doc, current_user, form.next_review_on.data,
                                                       form.remark.data),
                     lambda doc: f"已将下次评估审查日期设为{doc.next_review_on}。")


@bp.post("/re-review/<int:doc_id>/decision")
@role_required(Role.OFFICE)
def re_review_link(doc_id):
    """The decision this document prepares: its publication makes this one due."""
    return _schedule(doc_id, LinkDecisionForm(), "link_form", "decision", "未能关联决定",
                     lambda doc, form: link_decision(doc, current_user, form.decision.data),
                     lambda doc: "已保存所准备的决定。" if doc.prepares_decision_id else "已取消关联。")


def _schedule(doc_id, form, form_name, field, failed, operation, done):
    """One of the office's scheduling forms: the operation, or the page again with the error in
    place and what was typed."""
    doc = get_document_or_404(doc_id)
    if form.validate():
        try:
            operation(doc, form)
        except Invalid as error:
            getattr(form, field).errors = [error.message]
        else:
            flash(done(doc), "success")
            return redirect(url_for("office.re_review_document", doc_id=doc.id))
    return _re_review_page(doc, status=422, error=f"{failed}，请按提示更正。", **{form_name: form})


# --- the annual report (政府信息公开工作年度报告) ---------------------------------------------------------
def _report_year(year):
    return year if year in annual.YEARS else None


@bp.get("/report")
@role_required(Role.OFFICE)
def report():
    """The report's tables for a year; every figure links to the documents it counts."""
    raw = request.args.get("year", "")
    year = annual.default_year()
    if raw:
        year = _report_year(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None
        if year is None:
            return render("office/report.html", status=422, report=None, year_text=raw[:20],
                          years=annual.YEARS,
                          error=f"请输入{annual.YEARS[0]}—{annual.YEARS[-1]}之间的年份。")
    return render("office/report.html", report=annual.annual_report(year), year_text=str(year),
                  years=annual.YEARS, error=None)


@bp.get("/report/<int:year>/figure/<key>")
@role_required(Role.OFFICE)
def report_figure(year, key):
    """Exactly the documents one figure of the report counts."""
    if _report_year(year) is None:
        abort(404)
    report = annual.annual_report(year)
    found = report.cell(key[:80])
    if found is None:
        abort(404)
    table, row, cell = found
    column = table.header[row.cells.index(cell) + 1]
    return render("office/report_figure.html", report=report, table=table, row=row, cell=cell,
                  column=column, docs=annual.cell_documents(cell))


@bp.get("/report/<int:year>.<fmt>")
@role_required(Role.OFFICE)
def report_export(year, fmt):
    if _report_year(year) is None or fmt not in ("xlsx", "docx"):
        abort(404)
    title = f"{current_app.config['BUREAU_NAME']}{year}年政府信息公开工作年度报告（统计表）"
    return exports.report_download(annual.annual_report(year), fmt, title, f"annual-report-{year}")
