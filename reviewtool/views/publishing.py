"""The publishing queue: the office's checks before publishing, the catalogue entry, registering
a publication, and the catalogue export."""
from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..deadlines import next_clock
from ..forms import PublishForm
from ..labels import CATALOGUE_FIELDS, Action, Role
from ..models import Document
from ..operations import resolve_pii, update_catalogue
from ..publishing.catalogue import entry_dict
from ..queries import reports
from ..queries.worklists import QUEUE_LIMIT, documents_in, worklist
from ..sanitize import clean_text
from . import exports
from .common import get_document_or_404, performs, render, role_required, wants_fragment
from .panels import act, act_named, actions_panel, document_context, prepublish

bp = Blueprint("publishing", __name__, url_prefix="/publishing")


@bp.get("/")
@role_required(Role.OFFICE)
def queue():
    return render("publishing/queue.html",
                  docs=documents_in(worklist(Role.OFFICE, "queue"), current_user, limit=QUEUE_LIMIT,
                                    options=[selectinload(Document.catalogue)]),
                  published=documents_in(worklist(Role.OFFICE, "published"), current_user, limit=50),
                  interpretations=interpretations_due())


def interpretations_due():
    """Published documents whose interpretation material still waits: queued with them (三同步)."""
    return [(doc, next_clock(doc)) for doc in reports.interpretations_due(QUEUE_LIMIT)]


@bp.post("/<int:doc_id>/publish")
@role_required(Role.OFFICE)
@performs(bp, Action.MARK_PUBLISHED)
def mark_published(doc_id):
    return _register_publication(doc_id, Action.MARK_PUBLISHED)


@bp.post("/<int:doc_id>/interpretation")
@login_required
@performs(bp, Action.MARK_INTERPRETATION_PUBLISHED)
def mark_interpretation_published(doc_id):
    """三同步: register the publication of a published document's interpretation material."""
    return _register_publication(doc_id, Action.MARK_INTERPRETATION_PUBLISHED)


def _register_publication(doc_id, action):
    """Date, channel and link of a publication; errors in place in the action panel."""
    form = PublishForm()
    if not form.validate():
        doc = get_document_or_404(doc_id)
        error = "请更正发布登记中的错误。"
        if wants_fragment():
            return actions_panel(doc, 422, forms={action: form}, error=error)
        return render("documents/view.html", status=422,
                      **document_context(doc, forms={action: form}, error=error))
    return act(doc_id, action, form.comment.data or "",
               published_on=form.published_on.data, channel=form.channel.data,
               url=form.url.data.strip() if form.url.data else None)


@bp.post("/<int:doc_id>/confidentiality/<result>")
@role_required(Role.OFFICE)
@performs(bp, Action.CONFIDENTIALITY_PASS, result="pass")
@performs(bp, Action.CONFIDENTIALITY_FAIL, result="fail")
def confidentiality(doc_id, result):
    """保密审查: passed (the document stays queued) or failed (back to the drafter, remark required)."""
    return act_named(doc_id, result, {"pass": Action.CONFIDENTIALITY_PASS,
                                      "fail": Action.CONFIDENTIALITY_FAIL})


@bp.get("/<int:doc_id>/prepublish")
@role_required(Role.OFFICE)
def prepublish_panel(doc_id):
    """htmx: the pre-publishing panel, refreshed when the action panel changed the document."""
    doc = get_document_or_404(doc_id)
    return render("publishing/_prepublish.html", "publishing/_prepublish.html", doc=doc,
                  prepublish=prepublish(doc))


@bp.post("/<int:doc_id>/catalogue")
@role_required(Role.OFFICE)
def catalogue_entry(doc_id):
    """The office sets the 主题分类 and the 文号 of a queued document."""
    doc = get_document_or_404(doc_id)
    update_catalogue(doc, current_user, category_code=request.form.get("category", "")[:20],
                     doc_number=clean_text(request.form.get("doc_number", "")[:200]))
    flash("已登记编目信息。", "success")
    return redirect(url_for("documents.view", doc_id=doc.id) + "#prepublish")


@bp.post("/<int:doc_id>/pii")
@role_required(Role.OFFICE)
def pii_resolve(doc_id):
    """Resolve one personal-data hit: redact it, or confirm it may lawfully be published."""
    doc = get_document_or_404(doc_id)
    resolve_pii(doc, current_user, request.form.get("kind", "")[:20],
                request.form.get("value", "")[:40], request.form.get("decision", "")[:20],
                clean_text(request.form.get("remark", "")[:20_000]))
    flash("已处理个人信息。", "success")
    return redirect(url_for("documents.view", doc_id=doc.id) + "#prepublish")


EXPORT_FIELDS = ("id", "title", "index_no", "doc_number", "issuer", "formed_on", "published_on",
                 "category_code", "category", "channel", "url", "validity", "state_label")


@bp.get("/export.<fmt>")
@role_required(Role.OFFICE)
def export(fmt):
    """The queue and what was published, with catalogue metadata: JSON, CSV or Excel."""
    if fmt not in ("json",) + exports.FORMATS:
        abort(404)
    rows = [entry_dict(doc) for doc in reports.catalogue_export(current_user)]
    if fmt == "json":
        return jsonify({"items": rows, "count": len(rows)})
    return exports.table_download([CATALOGUE_FIELDS[f] for f in EXPORT_FIELDS],
                                  [[row[f] for f in EXPORT_FIELDS] for row in rows], fmt,
                                  "catalogue", "发布目录")
