"""Files: a document's attachments (附件) — upload, remove, publish choice, download —, its body
images, the document as a GB/T 9704 Word file and PDF, and the public downloads of what is
published (/gk/<id>/...)."""
import io

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from ..errors import WorkflowError
from ..extensions import db
from ..forms import AttachmentForm
from ..gongwen import docx_out, files, parts, pdf, store
from ..labels import AttachmentKind
from ..models import Attachment
from ..operations import add_attachment, remove_attachment, set_attachment_published
from ..permissions import can_view
from ..queries import reports
from .common import get_document_or_404, render, wants_fragment
from .panels import attachments_panel, document_context

bp = Blueprint("files", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _send(data, filename, mimetype, inline=False):
    """A file as a download: its name encoded by Werkzeug (filename*=UTF-8''…, RFC 6266/5987),
    its type never sniffed by the browser."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=not inline,
                         download_name=filename, conditional=False, etag=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _send_attachment(att):
    try:
        data = store.read(att.sha256)
    except (OSError, ValueError):
        abort(404)
    inline = att.kind == AttachmentKind.IMAGE and att.content_type in store.INLINE_IMAGES
    return _send(data, att.filename, att.content_type if inline or att.kind != AttachmentKind.IMAGE
                 else "application/octet-stream", inline=inline)


# --- a document's files, for those who may see it ---------------------------------------------------
@bp.get("/files/<int:att_id>")
def download(att_id):
    """An attachment or a body image: for whoever may see its document; an image also for anyone
    when the published text of its (published) document shows it."""
    att = db.session.get(Attachment, att_id)
    if att is None:
        abort(404)
    doc = att.document
    if current_user.is_authenticated and can_view(doc, current_user):
        return _send_attachment(att)
    public = reports.public_document(doc.id)
    if (public is not None and att.kind == AttachmentKind.IMAGE
            and att.url in files.image_sources(public.catalogue.published_body_html)):
        return _send_attachment(att)
    abort(404)


@bp.post("/documents/<int:doc_id>/attachments")
@login_required
def upload(doc_id):
    form = AttachmentForm()
    if not form.validate():
        return _refused(get_document_or_404(doc_id),
                        "；".join(e for errors in form.errors.values() for e in errors), 422)
    data = form.file.data.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
    return _act(doc_id, lambda doc: add_attachment(doc, current_user, data, form.file.data.filename),
                lambda att: f"已添加附件：{att.filename}")


@bp.post("/documents/<int:doc_id>/attachments/<int:att_id>/remove")
@login_required
def remove(doc_id, att_id):
    return _act(doc_id, lambda doc: remove_attachment(doc, current_user, att_id),
                lambda att: f"已移除附件：{att.filename}（原文件保留在流转记录中）")


@bp.post("/documents/<int:doc_id>/attachments/<int:att_id>/publish")
@login_required
def publish_choice(doc_id, att_id):
    publish = request.form.get("publish") == "1"
    return _act(doc_id, lambda doc: set_attachment_published(doc, current_user, att_id, publish),
                lambda att: f"附件《{att.title}》：{'可以公开' if publish else '不公开'}")


def _act(doc_id, act, done):
    """Load, check (the operation checks), act; the panel with the result or the refusal."""
    doc = get_document_or_404(doc_id)
    try:
        result = act(doc)
    except WorkflowError as refused:
        return _refused(doc, refused.message, refused.status)
    return _done(doc, done(result))


def _done(doc, message):
    if wants_fragment():
        return attachments_panel(doc, done=message)
    flash(message, "success")
    return redirect(url_for("documents.view", doc_id=doc.id) + "#attachments")


def _refused(doc, message, status):
    """A refusal in place: the panel with the message (htmx), or the page with it."""
    if wants_fragment():
        return attachments_panel(doc, error=message, status=status)
    return render("documents/view.html", status=status, **document_context(doc, attachment_error=message))


# --- the paper out ------------------------------------------------------------------------------------
def _paper(doc, body_html=None):
    return parts.Paper.of(doc, current_app.config["BUREAU_NAME"], body_html)


def _name(doc, ext):
    return store.clean_filename(f"{doc.title[:80]}.{ext}") or f"document-{doc.id}.{ext}"


@bp.get("/documents/<int:doc_id>/paper.docx")
@login_required
def paper_docx(doc_id):
    """The document as a Word file laid out to GB/T 9704 (the paper as it stands now)."""
    doc = get_document_or_404(doc_id)
    return _send(docx_out.write(_paper(doc), files.image_loader(doc)), _name(doc, "docx"), DOCX)


@bp.get("/documents/<int:doc_id>/paper.pdf")
@login_required
def paper_pdf(doc_id):
    doc = get_document_or_404(doc_id)
    return _send(pdf.write(_paper(doc), files.image_loader(doc)), _name(doc, "pdf"), "application/pdf")


# --- the public: what is published, nothing else --------------------------------------------------------
@bp.get("/gk/<int:doc_id>/paper.pdf")
def public_pdf(doc_id):
    """The published text (redactions and personal data applied) as a PDF, for the portal."""
    doc = reports.public_document(doc_id)
    if doc is None:
        abort(404)
    paper = _paper(doc, doc.catalogue.published_body_html)
    return _send(pdf.write(paper, files.image_loader(doc)), _name(doc, "pdf"), "application/pdf")


@bp.get("/gk/<int:doc_id>/files/<int:att_id>")
def public_attachment(doc_id, att_id):
    """A 附件 published with a published document; anything else is not found."""
    doc = reports.public_document(doc_id)
    if doc is None:
        abort(404)
    att = next((a for a in files.published_with(doc) if a.id == att_id), None)
    if att is None:
        abort(404)
    return _send_attachment(att)
