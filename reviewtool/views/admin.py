"""The admin's screens: users and their roles, divisions and who leads them, the working-day
calendar, the catalogue's settings.  Every change goes through ``operations`` and is audited."""
from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit, rereview
from ..calendar import entry as calendar_entry
from ..calendar.workdays import PACKAGE_LABEL, PACKAGE_YEARS
from ..errors import Invalid
from ..extensions import db
from ..forms import CalendarYearForm, DivisionForm, ReReviewPeriodForm, UserForm, options
from ..labels import DayKind, Role
from ..models import CalendarYear, User
from ..operations import (create_division, end_sessions, save_calendar_year, save_re_review_period,
                          save_user, set_org_code)
from ..publishing import catalogue
from ..queries.accounts import account_events
from ..queries.reports import divisions
from ..sanitize import clean_text
from .common import render, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _users_page(division_form, status=200):
    rows = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render("admin/users.html", status=status, users=rows, divisions=divisions(),
                  division_form=division_form)


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    return _users_page(DivisionForm())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    return _save_user(User(active=True))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id):
    user = db.session.get(User, user_id) or abort(404)
    return _save_user(user)


def _save_user(user):
    form = UserForm(obj=user if request.method == "GET" else None)
    all_divisions = divisions()
    form.division_id.choices = options([(0, "（无）")] + [(d.id, d.name) for d in all_divisions])
    form.led_division_ids.choices = options([(d.id, d.name) for d in all_divisions])
    if request.method == "GET" and user.id is not None:
        form.fill_from(user)
    if request.method == "POST" and form.validate():
        try:
            save_user(current_user, user, username=form.username.data, name=form.name.data,
                      role=form.role.data, division_id=form.division_id.data or None,
                      led_division_ids=form.led_division_ids.data or [], active=form.active.data,
                      password=form.password.data or None, email=form.email.data)
        except Invalid as error:
            for name, message in error.problems.items():
                getattr(form, name).errors = [message]
        else:
            flash(f"已保存用户 {user.name}。", "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render("admin/user_form.html", status=status, form=form, user=user,
                  events=account_events(user) if user.id else [])


@bp.post("/users/<int:user_id>/sessions/end")
@role_required(Role.ADMIN)
def end_user_sessions(user_id):
    """全部下线: the user's sessions end on every device (a lost laptop, a shared password)."""
    user = db.session.get(User, user_id) or abort(404)
    end_sessions(current_user, user)
    if user.id == current_user.id:
        logout_user()
        session.clear()
        flash("已结束您本人在所有设备上的登录，请重新登录。", "info")
        return redirect(url_for("auth.login"))
    flash(f"已让用户 {user.name}（{user.username}）在所有设备上下线；其下次操作时须重新登录。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/divisions")
@role_required(Role.ADMIN)
def new_division():
    form = DivisionForm()
    if form.validate():
        try:
            create_division(current_user, form.name.data)
        except Invalid as error:
            form.name.errors = [error.message]
        else:
            flash(f"已添加科室 {form.name.data}。", "success")
            return redirect(url_for("admin.users"))
    return _users_page(form, 422)


# --- the working-day calendar (节假日与调休安排) -----------------------------------------
CALENDAR_YEARS = range(2000, 2101)


@bp.get("/calendar")
@role_required(Role.ADMIN)
def calendar():
    return render("admin/calendar.html", statuses=calendar_entry.year_statuses(),
                  package_years=PACKAGE_YEARS, package_label=PACKAGE_LABEL)


@bp.get("/calendar/open")
@role_required(Role.ADMIN)
def calendar_open():
    year = request.args.get("year", type=int)
    if year not in CALENDAR_YEARS:
        flash(f"请输入 {CALENDAR_YEARS[0]}—{CALENDAR_YEARS[-1]} 之间的年份。", "warning")
        return redirect(url_for("admin.calendar"))
    return redirect(url_for("admin.calendar_year", year=year))


@bp.route("/calendar/<int:year>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def calendar_year(year):
    if year not in CALENDAR_YEARS:
        abort(404)
    current = calendar_entry.current_version(year)
    form = CalendarYearForm(year=year)
    status = 200
    if request.method == "GET":
        start = (calendar_entry.package_entries(year) if request.args.get("from") == "package"
                 else calendar_entry.entries_of(current))
        form.days.data = calendar_entry.format_lines(start)
        form.maintained.data = bool(current and current.maintained)
        form.note.data = current.note if current else ""
    elif form.validate():
        try:
            saved = save_calendar_year(current_user, year, form.entries,
                                       maintained=form.maintained.data, note=form.note.data,
                                       source="管理页面")
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            form.days.errors = ["其他人刚刚保存了该年度的日历。您录入的内容仍在下面，请刷新页面核对后再保存。"]
            status = 409
            current = calendar_entry.current_version(year)
        else:
            if saved is None:
                flash(f"{year}年日历内容没有变化，未保存新版本。", "info")
            else:
                flash(f"已保存{year}年节假日与调休安排（{DayKind.HOLIDAY.label} {_count(saved, DayKind.HOLIDAY)} 天，"
                      f"{DayKind.WORKDAY.label} {_count(saved, DayKind.WORKDAY)} 天）"
                      f"{'，已标记为已维护' if saved.maintained else '，尚未标记为已维护'}。", "success")
            return redirect(url_for("admin.calendar"))
    if form.errors and status == 200:
        status = 422
    history = db.session.scalars(select(CalendarYear).filter_by(year=year)
                                 .order_by(CalendarYear.id.desc())).all()
    return render("admin/calendar_year.html", status=status, form=form, year=year,
                  year_status=calendar_entry.YearStatus(year, current),
                  package_days=calendar_entry.package_entries(year),
                  history=[(v, calendar_entry.format_lines(calendar_entry.entries_of(v)))
                           for v in history])


def _count(version, kind):
    return sum(1 for d in version.days if d.kind == kind)


# --- the public catalogue's settings (目录设置) ------------------------------------------------
@bp.route("/catalogue", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def catalogue_settings():
    """The organisation code of the 索引号; the category list and the pattern are configuration."""
    error, status = None, 200
    if request.method == "POST":
        try:
            set_org_code(current_user, clean_text(request.form.get("org_code", "")[:200]))
        except Invalid as e:
            error, status = e.message, e.status
        else:
            flash("已保存机构代码。", "success")
            return redirect(url_for("admin.catalogue_settings"))
    return render("admin/catalogue.html", status=status, error=error, org_code=catalogue.org_code(),
                  categories=catalogue.categories(), default_category=catalogue.default_category(),
                  example=catalogue.format_index(catalogue.org_code(), catalogue.default_category(),
                                                 2026, 108))


# --- the audit trail's hash chain (审计记录校验) ---------------------------------------------------
@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_chain():
    """Walk the whole chain now; name the first event that no longer matches."""
    check = audit.verify_chain()
    broken = audit.stored_event(check.broken_event_id) if check.broken_event_id else None
    return render("admin/audit.html", check=check, broken=broken)


# --- 定期评估审查的周期 --------------------------------------------------------------------------------
@bp.route("/re-review", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def re_review_settings():
    """The period from sign-off (or the last re-review) to the next re-review."""
    form = ReReviewPeriodForm(formdata=None if request.method == "GET" else request.form,
                              months=rereview.period_months())
    if request.method == "POST" and form.validate():
        try:
            changed = save_re_review_period(current_user, form.months.data)
        except Invalid as error:
            form.months.errors = [error.message]
        else:
            flash(f"定期评估审查周期为{form.months.data}个月；已更新 {changed} 件公文的下次评估审查日期"
                  "（办公室单独设定的日期不变）。", "success")
            return redirect(url_for("admin.re_review_settings"))
    status = 422 if form.errors else 200
    return render("admin/re_review.html", status=status, form=form)
