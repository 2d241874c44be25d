"""The publishing queue: approved proactive documents, and the office marking them published."""
import csv
import io

from flask import (Blueprint, Response, abort, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue import entry_dict, resolve_pii, update_catalogue
from ..extensions import db
from ..forms import PublishForm
from ..labels import Action, Clock, Role
from ..deadlines import next_clock, running_filter
from ..models import Document
from ..sanitize import clean_text
from ..worklists import QUEUE_LIMIT, documents_in, worklist
from .common import (act, comment_from_form, get_document_or_404, render, role_required,
                     wants_fragment)

bp = Blueprint("publishing", __name__, url_prefix="/publishing")


@bp.get("/")
@role_required(Role.OFFICE)
def queue():
    return render("publishing/queue.html", docs=documents_in(worklist(Role.OFFICE, "queue"), current_user,
                                                        limit=QUEUE_LIMIT,
                                                        options=[selectinload(Document.catalogue)]),
                  published=documents_in(worklist(Role.OFFICE, "published"), current_user, limit=50),
                  interpretations=interpretations_due())


def interpretations_due():
    """Published documents whose interpretation material still waits: queued with them (三同步)."""
    docs = db.session.scalars(select(Document).where(running_filter(Clock.INTERPRETATION))
                              .order_by(Document.published_on, Document.id).limit(QUEUE_LIMIT)).all()
    return [(doc, next_clock(doc)) for doc in docs]


@bp.post("/<int:doc_id>/publish")
@role_required(Role.OFFICE)
def mark_published(doc_id):
    return _register_publication(doc_id, Action.MARK_PUBLISHED, "publish_form")


@bp.post("/<int:doc_id>/interpretation")
@login_required
def mark_interpretation_published(doc_id):
    """三同步: register the publication of a published document's interpretation material."""
    return _register_publication(doc_id, Action.MARK_INTERPRETATION_PUBLISHED, "interpretation_form")


def _register_publication(doc_id, action, form_name):
    """Date, channel and link of a publication; errors in place in the action panel."""
    form = PublishForm()
    if not form.validate():
        doc = get_document_or_404(doc_id)
        template = "documents/_actions.html" if wants_fragment() else "documents/view.html"
        return render_template(template, doc=doc, error="请更正发布登记中的错误。",
                               **{form_name: form}), 422
    return act(doc_id, action, clean_text(form.comment.data),
               published_on=form.published_on.data, channel=form.channel.data,
               url=form.url.data.strip() if form.url.data else None)


@bp.post("/<int:doc_id>/confidentiality/<result>")
@role_required(Role.OFFICE)
def confidentiality(doc_id, result):
    """保密审查: passed (the document stays queued) or failed (back to the drafter, remark required)."""
    action = {"pass": Action.CONFIDENTIALITY_PASS, "fail": Action.CONFIDENTIALITY_FAIL}.get(result)
    if action is None:
        abort(404)
    return act(doc_id, action, comment_from_form())


@bp.get("/<int:doc_id>/prepublish")
@role_required(Role.OFFICE)
def prepublish(doc_id):
    """htmx: the pre-publishing panel, refreshed after a decision in the action panel."""
    return render_template("publishing/_prepublish.html", doc=get_document_or_404(doc_id))


@bp.post("/<int:doc_id>/catalogue")
@role_required(Role.OFFICE)
def catalogue_entry(doc_id):
    """The office sets the 主题分类 and the 文号 of a queued document."""
    doc = get_document_or_404(doc_id)
    update_catalogue(doc, current_user, category_code=request.form.get("category"),
                     doc_number=clean_text(request.form.get("doc_number", ""))[:64])
    db.session.commit()
    flash("已登记编目信息。", "success")
    return redirect(url_for("documents.view", doc_id=doc.id) + "#prepublish")


@bp.post("/<int:doc_id>/pii")
@role_required(Role.OFFICE)
def pii_resolve(doc_id):
    """Resolve one personal-data hit: redact it, or confirm it may lawfully be published."""
    doc = get_document_or_404(doc_id)
    resolve_pii(doc, current_user, request.form.get("kind", ""), request.form.get("value", ""),
                request.form.get("decision", ""), clean_text(request.form.get("remark", ""))[:1000])
    db.session.commit()
    flash("已处理个人信息。", "success")
    return redirect(url_for("documents.view", doc_id=doc.id) + "#prepublish")


EXPORT_FIELDS = ("id", "title", "index_no", "doc_number", "issuer", "formed_on", "published_on",
                 "category_code", "category", "channel", "url", "validity", "state_label")
EXPORT_HEADERS = ("编号", "标题", "索引号", "文号", "发布机构", "公文生成日期", "发布日期", "主题分类代码",
                  "主题分类", "公开方式", "链接", "有效性", "状态")


@bp.get("/export.<fmt>")
@role_required(Role.OFFICE)
def export(fmt):
    """The queue and what was published, with catalogue metadata: JSON, CSV or Excel."""
    if fmt not in ("json", "csv", "xlsx"):
        abort(404)
    docs = (documents_in(worklist(Role.OFFICE, "queue"), current_user)
            + documents_in(worklist(Role.OFFICE, "published"), current_user))
    rows = [entry_dict(doc) for doc in docs]
    if fmt == "json":
        return jsonify({"items": rows, "count": len(rows)})
    table = [list(EXPORT_HEADERS)] + [[_cell(row[f]) for f in EXPORT_FIELDS] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(table)
        body = ("\ufeff" + out.getvalue()).encode("utf-8")     # BOM: Excel opens it as UTF-8
        mimetype = "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook
        book = Workbook()
        sheet = book.active
        sheet.title = "发布目录"
        for line in table:
            sheet.append(line)
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=catalogue.{fmt}"
    return response


def _cell(value):
    """No spreadsheet formulas from user text (CSV/formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


__all__ = ["bp", "request"]
