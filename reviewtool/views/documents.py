"""The drafter's screens: work lists, the document form, the document view and its history."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from htmx_flask import make_response

from ..extensions import db
from ..deadlines import clocks_by_document, open_clocks, sort_by_due
from ..forms import DisclosureForm, DocumentForm
from ..labels import Action, Role, State
from ..sanitize import clean_body, clean_text, editable_body
from ..workflow import (Invalid, WorkflowError, can_edit, create_document, editable_fields, perform,
                        save_draft)
from ..worklists import documents_in, worklists_for
from .common import act, get_document_or_404, render, role_required

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
    page = max(request.args.get("page", 1, type=int), 1)
    docs = documents_in(worklist, current_user, limit=per_page, offset=(page - 1) * per_page)
    clocks = clocks_by_document(docs, current_user.role_enum)
    if worklist.todo:
        docs = sort_by_due(docs, clocks)
    return render("documents/home.html", "documents/_worklist.html",
                  lists=lists, worklist=worklist, docs=docs, clocks=clocks, page=page,
                  has_next=len(docs) == per_page)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.DRAFTER)
def new():
    form = DocumentForm()
    if request.method == "POST" and form.validate():
        doc = create_document(current_user, **form.document_fields(clean_text, clean_body))
        db.session.commit()
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
        form.channels.data = [c.value for c in doc.channel_list]
        if form_class is DocumentForm:
            form.body_html.data = editable_body(doc.body_html)
            form.interpretation_html.data = editable_body(doc.interpretation_html)
    if request.method == "POST" and form.validate():
        save_draft(doc, current_user, **form.document_fields(clean_text, clean_body))
        db.session.commit()
        return _after_save(doc, form)
    status = 422 if form.errors else 200
    return render("documents/form.html", "documents/_form.html", status, form=form, doc=doc)


def _after_save(doc, form):
    """Saved.  Submit too if asked; a refused submit shows its reasons in the form, draft kept."""
    if request.form.get("intent") != "submit":
        return _go(url_for("documents.view", doc_id=doc.id), "已保存草稿。")
    action = Action.SUBMIT_REVIEW if doc.state_enum == State.REVIEW_PENDING else Action.SUBMIT
    try:
        perform(doc, action, current_user)
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        for name, message in error.problems.items():
            getattr(form, name, form.disclosure).errors = [message]
        body, status = render("documents/form.html", "documents/_form.html", 422, form=form,
                              doc=doc, saved="草稿已保存，但还不能提交：请按提示补充后再提交。")
        return make_response(body, status, push_url=url_for("documents.edit", doc_id=doc.id)
                             if request.htmx else None)
    return _go(url_for("documents.view", doc_id=doc.id), SUBMITTED[action])


SUBMITTED = {Action.SUBMIT: "已提交，等待办公室审核。",
             Action.SUBMIT_REVIEW: "已报送公开属性审查，等待分管领导审签。"}


def _go(url, message):
    from flask import flash
    flash(message, "success")
    if request.htmx:
        return make_response("", 204, redirect=url)
    return redirect(url)


@bp.post("/disclosure-fields")
@login_required
def disclosure_fields():
    """htmx: the basis/explanation fields for the attribute just chosen, keeping what was typed."""
    form = DocumentForm()
    return render_template("documents/_disclosure_fields.html", form=form)


@bp.post("/<int:doc_id>/submit")
@login_required
def submit(doc_id):
    return act(doc_id, Action.SUBMIT)


@bp.post("/<int:doc_id>/submit-review")
@login_required
def submit_review(doc_id):
    return act(doc_id, Action.SUBMIT_REVIEW)


@bp.get("/<int:doc_id>")
@login_required
def view(doc_id):
    doc = get_document_or_404(doc_id)
    return render("documents/view.html", doc=doc, open_clocks=open_clocks(doc))


@bp.get("/<int:doc_id>/history")
@login_required
def history(doc_id):
    doc = get_document_or_404(doc_id)
    return render("documents/history.html", doc=doc)


__all__ = ["bp", "WorkflowError"]
