"""Helpers every blueprint uses: the commit wrapper, load-then-check, one template two renderings,
the action → route map."""
from functools import wraps

from flask import abort, make_response, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict
from ..extensions import db
from ..models import Document, Event
from ..notifications import unread_count
from ..permissions import can_view
from ..queries.worklists import counts, worklists_for


# --- one wrapper commits or rolls back every POST ---------------------------------------------
def commit_or_roll_back(view):
    """Commit what the view did when it returns; roll back when it raises.  Domain code only
    flushes; a refused act changes nothing before it raises, so a view that answers a refusal
    in place (422) commits nothing but what it meant to keep (a saved draft)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            response = make_response(view(*args, **kwargs))
            db.session.commit()
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            raise Conflict("数据已被他人同时修改，请刷新后重试。") from None
        except BaseException:
            db.session.rollback()
            raise
        return response
    wrapped.commits = True
    return wrapped


def wrap_writes(app):
    """Every route that accepts POST goes through :func:`commit_or_roll_back`."""
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()):
            view = app.view_functions[rule.endpoint]
            if not getattr(view, "commits", False):
                app.view_functions[rule.endpoint] = commit_or_roll_back(view)


# --- who reaches a view ----------------------------------------------------------------------
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
    if doc is None or not can_view(doc, current_user):
        abort(404)
    return doc


def request_page(limit=100_000):
    """?page= as a page number within bounds; anything else is the first page."""
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= limit else 1


# --- one template, two renderings ---------------------------------------------------------------
def wants_fragment():
    """An htmx request that swaps part of the page (not a boosted link, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def nav_for(user):
    """The work-list tabs of the user's role with their counts."""
    if not user.is_authenticated:
        return []
    numbers = counts(user)
    return [(w, numbers[w.key]) for w in worklists_for(user)]


def render(template, partial=None, status=200, refresh_nav=False, headers=None, **context):
    """Contact.app's pattern: the page for a normal request, its partial for an htmx swap.
    A full page carries the navigation counts; a fragment only when it changed them."""
    fragment = bool(partial) and wants_fragment()
    name = partial if fragment else template
    if not fragment or refresh_nav:
        context.setdefault("nav", nav_for(current_user))
    if not fragment and current_user.is_authenticated:
        context.setdefault("unread", unread_count(current_user))        # the bell: one count
    context.setdefault("oob_nav", fragment and refresh_nav)
    return render_template(name, **context), status, headers or {}


def render_error(message, status, page_level=False):
    """An error page that needs nothing from the database (the transaction may be broken).

    ``page_level``: the refusal is about the request as a whole (too large, too long, a NUL
    byte, too many attempts): an htmx request shows it in the page's error region
    (``#request-error``) instead of its target, so the form the user was filling in stays."""
    db.session.rollback()
    fragment = wants_fragment()
    template = "_error.html" if fragment else "error.html"
    headers = {"HX-Retarget": "#request-error", "HX-Reswap": "innerHTML"} if fragment and page_level else {}
    return render_template(template, message=message, status=status, nav=[], bare=True), status, headers


# --- the action → route map, beside the routes ----------------------------------------------------
ACTION_ENDPOINTS = {}


def performs(bp, performed, **values):
    """Declare that the decorated route performs the action ``performed`` (with these URL values)."""
    def decorator(view):
        ACTION_ENDPOINTS[performed] = (f"{bp.name}.{view.__name__}", values)
        return view
    return decorator


def action_url(action, doc):
    endpoint, values = ACTION_ENDPOINTS[action]
    return url_for(endpoint, doc_id=doc.id, **values)
