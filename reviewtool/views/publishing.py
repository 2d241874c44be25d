"""The publishing queue: approved proactive documents, and the office marking them published."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from ..forms import PublishForm
from ..labels import Action, Role
from ..sanitize import clean_text
from ..worklists import documents_in, worklist
from .common import act, get_document_or_404, render, role_required, wants_fragment

bp = Blueprint("publishing", __name__, url_prefix="/publishing")


@bp.get("/")
@role_required(Role.OFFICE)
def queue():
    return render("publishing/queue.html", docs=documents_in(worklist(Role.OFFICE, "queue"), current_user),
                  published=documents_in(worklist(Role.OFFICE, "published"), current_user, limit=50))


@bp.post("/<int:doc_id>/publish")
@role_required(Role.OFFICE)
def mark_published(doc_id):
    form = PublishForm()
    if not form.validate():
        doc = get_document_or_404(doc_id)
        template = "documents/_actions.html" if wants_fragment() else "documents/view.html"
        return render_template(template, doc=doc, publish_form=form,
                               error="请更正发布登记中的错误。"), 422
    return act(doc_id, Action.MARK_PUBLISHED, clean_text(form.comment.data),
               published_on=form.published_on.data, channel=form.channel.data,
               url=form.url.data.strip() if form.url.data else None)


__all__ = ["bp", "request"]
