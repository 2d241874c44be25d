"""The drafter's screens and every role's landing page: work lists, the document form, the
document view and its history."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from htmx_flask import make_response

from ..deadlines import clocks_by_document, sort_by_due
from ..errors import Invalid, NotAllowed
from ..forms import DisclosureForm, DocumentForm
from ..labels import DOCUMENT_FIELDS, HISTORY_COLUMNS, Action, Role, State
from ..operations import import_word
from ..permissions import can_edit, editable_fields
from ..queries.history import event_row
from ..queries.worklists import documents_in, return_comments, worklists_for
from ..sanitize import editable_body
from ..workflow import create_document, perform, save_draft
from . import exports
from .common import get_document_or_404, performs, render, request_page, role_required
from .panels import act, document_context

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.get("/")
@login_required
def home():
    """Each role lands here: its own work lists, with counts in the tabs."""
    lists = worklists_for(current_user)
    if not lists:
        return redirect(url_for("admin.users"))
    key = request.args.get("list") or lists[0].key
    worklist = next((w for w in lists if w.key == key), None)
    if worklist is None:
        abort(404)
    per_page = current_app.config["PER_PAGE"]
    page = request_page()
    docs = documents_in(worklist, current_user, limit=per_page, offset=(page - 1) * per_page)
    clocks = clocks_by_document(docs, current_user.role)
    if worklist.todo:
        docs = sort_by_due(docs, clocks)
    return render("documents/home.html", "documents/_worklist.html", refresh_nav=True,
                  lists=lists, worklist=worklist, docs=docs, clocks=clocks, page=page,
                  has_next=len(docs) == per_page,
                  returns=return_comments(docs) if current_user.has_role(Role.DRAFTER) else {})


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.DRAFTER)
def new():
    if request.method == "GET":
        name = current_app.config["BUREAU_NAME"]          # the paper's usual defaults, to confirm
        form = DocumentForm(formdata=None, issuer_mark=f"{name}文件", signature=name,
                            printed_by=f"{name}办公室")
    else:
        form = DocumentForm()
    if request.method == "POST" and request.form.get("intent") == "import":
        return _import(None, form)
    if request.method == "POST" and form.validate():
        doc = create_document(current_user, **form.document_fields())
        return _after_save(doc, form)
    status = 422 if form.errors else 200
    return render("documents/form.html", "documents/_form.html", status, form=form, doc=None)


@bp.route("/<int:doc_id>/edit", methods=["GET", "POST"])
@login_required
def edit(doc_id):
    doc = get_document_or_404(doc_id)
    if not can_edit(doc, current_user):
        abort(403)
    # A signed-off urgent document owes only its disclosure review: the form holds just that.
    form_class = DocumentForm if "title" in editable_fields(doc) else DisclosureForm
    form = form_class(obj=doc if request.method == "GET" else None)
    if request.method == "GET":
        form.fill_from(doc, editable_body)
    if request.method == "POST" and request.form.get("intent") == "import" and form_class is DocumentForm:
        return _import(doc, form)
    if request.method == "POST" and form.validate():
        save_draft(doc, current_user, **form.document_fields())
        return _after_save(doc, form)
    status = 422 if form.errors else 200
    return render("documents/form.html", "documents/_form.html", status, form=form, doc=doc)


def _import(doc, form):
    """A Word file in (the form's “导入” button).  Refused: the message under the file field, the
    form as typed, nothing saved changed.  A new document: the draft is made and opened for the
    drafter to confirm.  A draft: the form shows what the file holds, to confirm and save."""
    upload = form.source_file.data
    if not upload or not getattr(upload, "filename", ""):
        form.source_file.errors = ["请选择要导入的 Word 文件（.docx）。"]
        return render("documents/form.html", "documents/_form.html", 422, form=form, doc=doc)
    data = upload.read(current_app.config["DOCX_IMPORT_MAX_BYTES"] + 1)
    keep = form.tagging_fields() if doc is None else None
    try:
        made, fields, imported = import_word(current_user, data, upload.filename, doc, keep)
    except Invalid as error:
        form.source_file.errors = [error.message]
        return render("documents/form.html", "documents/_form.html", 422, form=form, doc=doc)
    summary = import_summary(upload.filename, imported)
    if doc is None:
        return _go(url_for("documents.edit", doc_id=made.id), summary + "请逐项核对后保存或提交。")
    form.fill_imported(fields, editable_body)
    return render("documents/form.html", "documents/_form.html", form=form, doc=doc,
                  imported=summary + "以上内容尚未保存：请逐项核对，确认后点“保存草稿”。")


# The parts of a 公文 in the paper's order (GB/T 9704), as the import's summary names them.
PAPER_ORDER = ("issuer_mark", "doc_number", "signer", "title", "main_recipients", "attachment_note",
               "signature", "signed_on", "disclosure", "note", "cc", "printed_by", "printed_on")


def import_summary(filename, imported):
    found = "、".join("公开属性（附注）" if k == "disclosure" else DOCUMENT_FIELDS[k]
                     for k in sorted(imported.recognized, key=PAPER_ORDER.index))
    text = f"已从《{filename}》导入。识别出：{found or '（无）'}。"
    if imported.appendices:
        text += f"成文日期后的{len(imported.appendices)}个附件页已另存为附件。"
    return text + "".join(imported.notes)


def _after_save(doc, form):
    """Saved.  Submit too if asked; a refused submit shows its reasons in the form, draft kept."""
    if request.form.get("intent") != "submit":
        return _go(url_for("documents.view", doc_id=doc.id), "已保存草稿。")
    action = Action.SUBMIT_REVIEW if doc.state == State.REVIEW_PENDING else Action.SUBMIT
    try:
        perform(doc, action, current_user)
    except Invalid as error:
        form.show_problems(error.problems)
        body, status, _ = render("documents/form.html", "documents/_form.html", 422, form=form,
                                 doc=doc, saved="草稿已保存，但还不能提交：请按提示补充后再提交。")
        return make_response(body, status, push_url=url_for("documents.edit", doc_id=doc.id)
                             if request.htmx else None)
    return _go(url_for("documents.view", doc_id=doc.id), SUBMITTED[action])


SUBMITTED = {Action.SUBMIT: "已提交，等待办公室审核。",
             Action.SUBMIT_REVIEW: "已报送公开属性审查，等待分管领导审签。"}


def _go(url, message):
    flash(message, "success")
    if request.htmx:
        return make_response("", 204, redirect=url)
    return redirect(url)


@bp.post("/disclosure-fields")
@login_required
def disclosure_fields():
    """htmx: the basis/explanation fields for the attribute just chosen, keeping what was typed.
    It writes nothing; a drafter is the only one with a document form."""
    if not current_user.has_role(Role.DRAFTER):
        raise NotAllowed("只有拟稿人可以填写公开属性。")
    return render_template("documents/_disclosure_fields.html", form=DocumentForm())


@bp.post("/<int:doc_id>/submit")
@login_required
@performs(bp, Action.SUBMIT)
def submit(doc_id):
    return act(doc_id, Action.SUBMIT)


@bp.post("/<int:doc_id>/submit-review")
@login_required
@performs(bp, Action.SUBMIT_REVIEW)
def submit_review(doc_id):
    return act(doc_id, Action.SUBMIT_REVIEW)


@bp.get("/<int:doc_id>")
@login_required
def view(doc_id):
    doc = get_document_or_404(doc_id)
    return render("documents/view.html", **document_context(doc))


@bp.get("/<int:doc_id>/history")
@login_required
def history(doc_id):
    doc = get_document_or_404(doc_id)
    return render("documents/history.html", doc=doc)


@bp.get("/<int:doc_id>/history.<fmt>")
@role_required(Role.OFFICE)
def history_export(doc_id, fmt):
    """The office exports a document's whole history (CSV or XLSX)."""
    if fmt not in exports.FORMATS:
        abort(404)
    doc = get_document_or_404(doc_id)
    return exports.table_download(HISTORY_COLUMNS, [event_row(e) for e in doc.events], fmt,
                                  f"history-document-{doc.id}", "流转记录")

