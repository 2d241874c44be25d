"""The office (办公室): the check queue, 退文, one-click return of untagged documents, the archive."""
from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from ..extensions import db
from ..forms import BulkReturnForm
from ..labels import Action, Role, State
from ..workflow import disclosure_problems, return_all_untagged
from ..worklists import documents_in, worklist
from .common import act, comment_from_form, render, role_required

bp = Blueprint("office", __name__, url_prefix="/office")


@bp.get("/")
@role_required(Role.OFFICE)
def queue():
    return _queue_page(BulkReturnForm())


def _queue_page(bulk_form, **extra):
    """The check queue, each document with what (if anything) obliges the office to return it."""
    docs = documents_in(worklist(Role.OFFICE, "check"), current_user)
    flagged = {doc.id: disclosure_problems(doc) for doc in docs}
    return render("office/queue.html", "office/_queue.html", docs=docs, flagged=flagged,
                  untagged=sum(1 for p in flagged.values() if p), bulk_form=bulk_form, **extra)


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
    docs = documents_in(worklist(Role.OFFICE, "archived"), current_user)
    return render("office/archive.html", docs=docs, State=State)
