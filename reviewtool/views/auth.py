"""Log in and out, change one's password; the session rules and the login throttle.

Sessions live in Flask's signed cookie.  What makes them revocable: the session stores the user's
id *and* session epoch (``User.get_id``); logout, a password change or reset, deactivation and the
admin's 全部下线 bump the epoch in the database, so every older cookie stops logging anyone in,
in every process.  The user loader, which loads the user on every request anyway, compares the
epochs and enforces the idle timeout and the absolute lifetime from timestamps in the session.

Logins are throttled per account and per client address (Flask-Limiter; storage from
``RATELIMIT_STORAGE_URI``): only failed password checks count; a lockout writes one Event.
"""
import math
import time
from datetime import datetime
from urllib.parse import unquote, urlsplit, urlunsplit

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..dates import LOCAL_TZ
from ..errors import Invalid
from ..extensions import db, limiter, login_manager
from ..forms import LoginForm, PasswordChangeForm
from ..models import User, check_password_of
from ..operations import change_password as change_own_password
from ..operations import log_out, record_lockout
from ..passwords import RULE as PASSWORD_RULE
from ..sanitize import strip_invisible
from .common import render

bp = Blueprint("auth", __name__)

STARTED, SEEN = "_started", "_seen"      # session keys: login time, last request (epoch seconds)
TOUCH_EVERY = 60                         # seconds between updates of SEEN (fewer new cookies)
ENDED_ELSEWHERE = "您的登录已结束（已退出登录、修改了密码或被管理员下线），请重新登录。"
IDLE = "您已长时间未操作，登录已超时，请重新登录。"
TOO_OLD = "登录已超过最长有效期，请重新登录。"


# --- the session ------------------------------------------------------------------------------
def start_session(user):
    """Sign ``user`` in on this browser: a fresh session carrying their current epoch."""
    session.clear()
    login_user(user)
    session[STARTED] = session[SEEN] = int(time.time())


def _session_problem():
    """Why the session's clocks end it (a Chinese sentence), or None."""
    now = time.time()
    started, seen = session.get(STARTED), session.get(SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        return ENDED_ELSEWHERE                       # signed before these rules: not trusted
    if now - started > current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds():
        return TOO_OLD
    if now - seen > current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds():
        return IDLE
    if now - seen > TOUCH_EVERY:
        session[SEEN] = int(now)
    return None


@login_manager.user_loader
def load_user(token):
    """The session's user, if the session is still valid: right epoch, active, within its clocks."""
    user_id, _, epoch = (token or "").partition(".")
    problem = _session_problem()
    user = None
    if problem is None and user_id.isdigit() and epoch.isdigit() and len(user_id) < 12:
        user = db.session.get(User, int(user_id), options=[joinedload(User.division),
                                                           selectinload(User.led_divisions)])
        if user is None or not user.active or str(user.session_epoch) != epoch:
            user, problem = None, ENDED_ELSEWHERE
    if user is None:
        flashes = session.get("_flashes")
        session.clear()
        if flashes:
            session["_flashes"] = flashes
        g.session_ended = problem or ENDED_ELSEWHERE
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """Not signed in (or the session just ended): to the login page, saying why; an htmx request
    is told to load the login page as a whole, not to swap it into a panel."""
    message = g.pop("session_ended", None) or login_manager.login_message
    flash(message, "warning")
    target = url_for("auth.login", next=request.full_path.rstrip("?")
                     if request.method == "GET" else None)
    if getattr(request, "htmx", None):
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


def safe_next(target):
    """``?next=`` only when it is a path on this site, after normalisation; else the home page.

    Refused: anything with a scheme or a host (``https:x``, ``//x``, ``////x``), backslashes
    (browsers read ``/\\x`` as ``//x``), control characters and whitespace (browsers drop tabs
    and newlines: ``/\\t/x`` is ``//x``), and the same forms percent-encoded, at any depth.
    """
    home = url_for("documents.home")
    if not target or len(target) > 2000:
        return home
    decoded, seen = target, set()
    while decoded not in seen and len(seen) < 5:          # %252F → %2F → /
        seen.add(decoded)
        decoded = unquote(decoded)
    for form in seen | {decoded}:
        if (not form.startswith("/") or form.startswith("//") or "\\" in form
                or any(ch.isspace() or ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f for ch in form)):
            return home
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return home
    parts = urlsplit(target)
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment)) or home


# --- the login throttle ------------------------------------------------------------------------
def _account_name():
    """The throttle's account: the name typed on the login form, or the signed-in user's."""
    if request.endpoint == "auth.login":
        return strip_invisible(request.form.get("username", "")).strip()[:64]
    return getattr(current_user, "username", "") or ""


def _account_key():
    return f"{current_app.config['THROTTLE_KEY_PREFIX']}/account/{_account_name().lower()}"


def _address_key():
    return f"{current_app.config['THROTTLE_KEY_PREFIX']}/address/{request.remote_addr or 'unknown'}"


def _password_failed(response):
    """Only a failed password check counts against the limits (set by the views)."""
    return bool(g.get("password_failed"))


def _locked_value(what):
    """The account or the address a lockout names."""
    return (request.remote_addr or "unknown") if what == "address" else _account_name()


def _local_time(timestamp):
    return f"{datetime.fromtimestamp(timestamp, LOCAL_TZ):%H:%M}"


def _on_breach(what):
    def breached(request_limit):
        """Locked: remember which lock for the message; the first refusal of a lockout writes
        its Event (once per lockout, whichever process sees it: a marker in the same storage)."""
        reset_at = request_limit.reset_at
        g.lockout = (what, reset_at)
        seconds = max(1, int(reset_at - time.time()))
        marker = f"{request_limit.key}/lockout/{reset_at}"
        if limiter.storage.incr(marker, seconds) == 1:
            record_lockout(what, _locked_value(what), _local_time(reset_at),
                           request.remote_addr or "unknown")
            db.session.commit()          # before the view, outside the commit wrapper
        return None
    return breached


ACCOUNT_LIMIT = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], scope="account",
                                     key_func=_account_key, methods=["POST"],
                                     deduct_when=_password_failed, on_breach=_on_breach("account"))
ADDRESS_LIMIT = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], scope="address",
                                     key_func=_address_key, methods=["POST"],
                                     deduct_when=_password_failed, on_breach=_on_breach("address"))


def lockout_message():
    """The Chinese sentence a locked-out form shows: which lock, and how long to wait."""
    what, reset_at = g.get("lockout", ("account", time.time() + 60))
    minutes = max(1, math.ceil((reset_at - 1 - time.time()) / 60))    # reset_at is rounded up
    until = _local_time(reset_at)
    who = "该账号" if what == "account" else "您所在网络地址"
    return (f"{who}登录失败次数过多，已暂时锁定。请在 {minutes} 分钟后（{until} 之后）再试；"
            "如忘记密码，请联系系统管理员重设。")


def locked_out():
    """The 429 answer of a throttled form, in place: the form again, what was typed kept."""
    if request.endpoint == "auth.login":
        return _login_page(LoginForm(), lockout_message(), 429)
    if request.endpoint == "auth.change_password" and current_user.is_authenticated:
        return _password_page(PasswordChangeForm(), lockout_message(), 429)
    return None


# --- the screens -------------------------------------------------------------------------------
def _login_page(form, error, status):
    return render_template("auth/login.html", form=form, error=error, nav=[]), status


@bp.route("/login", methods=["GET", "POST"])
@ACCOUNT_LIMIT
@ADDRESS_LIMIT
def login():
    if current_user.is_authenticated:
        return redirect(url_for("documents.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = db.session.scalar(select(User).filter_by(username=form.username.data))
        if not check_password_of(user, form.password.data):
            g.password_failed = True
            error = "用户名或密码错误。"
        elif not user.active:
            error = "该账号已停用，请联系系统管理员。"
        else:
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
    status = 401 if error else (422 if form.errors else 200)
    return _login_page(form, error, status)


@bp.post("/logout")
@login_required
def logout():
    log_out(current_user)
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


def _password_page(form, error=None, status=200):
    return render("auth/password.html", status=status, form=form, error=error, rule=PASSWORD_RULE)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@ACCOUNT_LIMIT
def change_password():
    """修改密码: every user's own, with the old password; other sessions end, this one stays."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(user, form.old_password.data, form.new_password.data,
                                form.new_password2.data)
        except Invalid as error:
            g.password_failed = "old_password" in error.problems
            for name, message in error.problems.items():
                getattr(form, name).errors = [message]
        else:
            start_session(user)
            flash("密码已修改。您在其他设备或浏览器上的登录已全部结束。", "success")
            return redirect(url_for("documents.home"))
    status = 422 if form.errors else 200
    return _password_page(form, "请按提示更正。" if form.errors else None, status)
