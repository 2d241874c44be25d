"""Log in and out."""
from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db, login_manager
from ..forms import LoginForm
from ..models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id), options=[joinedload(User.division),
                                                       selectinload(User.led_divisions)])


def _safe_next(target):
    if target and not urlparse(target).netloc and target.startswith("/"):
        return target
    return url_for("documents.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("documents.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = db.session.scalar(select(User).filter_by(username=form.username.data.strip()))
        if user is None or not user.check_password(form.password.data):
            error = "用户名或密码错误。"
        elif not user.active:
            error = "该账号已停用，请联系系统管理员。"
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error, nav=[]), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))
