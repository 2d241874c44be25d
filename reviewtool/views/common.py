"""Helpers every blueprint uses: load-then-check, one-template-two-renderings, acting."""
from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..labels import Action, Role
from sqlalchemy.orm import joinedload, selectinload

from ..models import Document, Event
from ..workflow import WorkflowError, perform


def role_required(*roles):
    """Only users of these roles reach the view (403 otherwise)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(current_user.has_role(r) for r in roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def get_document_or_404(doc_id):
    """Load, then check: a document the user may not see is answered as not found (404)."""
    doc = db.session.get(Document, doc_id, options=[
        joinedload(Document.division), joinedload(Document.drafter),
        selectinload(Document.events).joinedload(Event.actor)])
    if doc is None or not doc.can_view(current_user):
        abort(404)
    return doc


def wants_fragment():
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render(template, partial=None, status=200, **context):
    """Contact.app's pattern: the page for a normal request, its partial for an htmx swap."""
    name = partial if (partial and wants_fragment()) else template
    return render_template(name, **context), status


def render_error(message, status):
    if wants_fragment():
        return render_template("_error.html", message=message, status=status), status
    return render_template("error.html", message=message, status=status), status


def act(doc_id, action, comment="", **data):
    """Load, check, act on one document; answer with its refreshed action panel or a redirect."""
    doc = get_document_or_404(doc_id)
    try:
        perform(doc, action, current_user, comment, **data)
        db.session.commit()
    except WorkflowError as error:
        db.session.rollback()
        if wants_fragment():
            doc = get_document_or_404(doc_id)
            return render_template("documents/_actions.html", doc=doc, error=error.message,
                                   comment=comment), error.status
        raise
    message = f"已{Action(action).label}：{doc.title}"
    if wants_fragment():
        return render_template("documents/_actions.html", doc=doc, done=message), 200
    flash(message, "success")
    return redirect(request.form.get("next") or url_for("documents.view", doc_id=doc.id))


def comment_from_form():
    from ..sanitize import clean_text
    return clean_text(request.form.get("comment", ""))[:2000]


__all__ = ["role_required", "get_document_or_404", "render", "render_error", "act", "Role"]
