"""The drafter's screens: work lists, the document form, the document view and its history."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from htmx_flask import make_response

from ..extensions import db
from ..forms import DocumentForm
from ..labels import Action, Role
from ..sanitize import clean_body, clean_text, editable_body
from ..workflow import (Invalid, WorkflowError, can_edit, create_document, perform, save_draft)
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
    docs = documents_in(worklist, current_user, limit=current_user_limit())
    return render("documents/home.html", "documents/_worklist.html",
                  lists=lists, worklist=worklist, docs=docs)


def current_user_limit():
    from flask import current_app
    return current_app.config["PER_PAGE"] * 4


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
    form = DocumentForm(obj=doc if request.method == "GET" else None)
    if request.method == "GET":
        form.channels.data = [c.value for c in doc.channel_list]
        form.body_html.data = editable_body(doc.body_html)
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
    try:
        perform(doc, Action.SUBMIT, current_user)
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        for name, message in error.problems.items():
            getattr(form, name, form.disclosure).errors = [message]
        body, status = render("documents/form.html", "documents/_form.html", 422, form=form,
                              doc=doc, saved="草稿已保存，但还不能提交：请按提示补充后再提交。")
        return make_response(body, status, push_url=url_for("documents.edit", doc_id=doc.id)
                             if request.htmx else None)
    return _go(url_for("documents.view", doc_id=doc.id), "已提交，等待办公室审核。")


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


@bp.get("/<int:doc_id>")
@login_required
def view(doc_id):
    doc = get_document_or_404(doc_id)
    return render("documents/view.html", doc=doc)


@bp.get("/<int:doc_id>/history")
@login_required
def history(doc_id):
    doc = get_document_or_404(doc_id)
    return render("documents/history.html", doc=doc)


__all__ = ["bp", "WorkflowError"]
