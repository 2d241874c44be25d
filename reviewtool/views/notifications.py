"""消息: the notification centre — the list with links, marking read (htmx or plain forms)."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from .. import notifications
from ..extensions import db
from ..models import Notification
from .common import render, request_page, wants_fragment

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PER_PAGE = 50


def _page(status=200, done=""):
    unread_only = request.values.get("unread") == "1"
    page = request_page()
    total, items = notifications.listing(current_user, unread_only, PER_PAGE, (page - 1) * PER_PAGE)
    return render("notifications/index.html", "notifications/_list.html", status, items=items,
                  total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
                  unread_only=unread_only, done=done, unread=notifications.unread_count(current_user),
                  oob_bell=wants_fragment())


@bp.get("/")
@login_required
def index():
    return _page()


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id):
    """Mark one of one's own notifications read (someone else's is not found)."""
    item = db.session.get(Notification, notification_id)
    if item is None or item.user_id != current_user.id:
        abort(404)
    notifications.mark_read(current_user, notification_id)
    return _done(f"已标为已读：{item.text[:40]}")


@bp.post("/read-all")
@login_required
def read_all():
    n = notifications.mark_read(current_user)
    return _done(f"已将 {n} 条消息标为已读。" if n else "没有未读消息。")


def _done(message):
    if wants_fragment():
        return _page(done=message)
    flash(message, "success")
    return redirect(url_for("notifications.index", unread=request.values.get("unread") or None))
