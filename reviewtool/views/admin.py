"""The admin's screens: users, their roles and divisions, who leads which division."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlalchemy import select

from ..extensions import db
from ..forms import DivisionForm, UserForm, options
from ..labels import Role
from ..models import Division, User
from ..sanitize import clean_text
from .common import render, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _divisions():
    return db.session.scalars(select(Division).order_by(Division.name)).all()


def _user_form(user=None):
    form = UserForm(obj=user if request.method == "GET" else None)
    divisions = _divisions()
    form.division_id.choices = options([(0, "（无）")] + [(d.id, d.name) for d in divisions])
    form.led_division_ids.choices = options([(d.id, d.name) for d in divisions])
    if request.method == "GET" and user is not None:
        form.division_id.data = user.division_id or 0
        form.led_division_ids.data = [d.id for d in user.led_divisions]
    return form


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render("admin/users.html", users=rows, divisions=_divisions(),
                  division_form=DivisionForm())


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
    form = _user_form(user if user.id else None)
    if request.method == "POST" and form.validate():
        username = clean_text(form.username.data)
        clash = db.session.scalar(select(User).filter(User.username == username, User.id != user.id))
        if clash:
            form.username.errors = ["该用户名已被使用。"]
        elif not user.id and not form.password.data:
            form.password.errors = ["新用户须设置初始密码。"]
        else:
            user.username, user.name = username, clean_text(form.name.data)
            user.role = form.role.data
            user.division_id = form.division_id.data or None
            user.led_divisions = ([d for d in _divisions() if d.id in form.led_division_ids.data]
                                  if form.role.data == Role.DIVISION_HEAD.value else [])
            user.active = form.active.data
            if form.password.data:
                user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            flash(f"已保存用户 {user.name}。", "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render("admin/user_form.html", status=status, form=form, user=user)


@bp.post("/divisions")
@role_required(Role.ADMIN)
def new_division():
    form = DivisionForm()
    name = clean_text(form.name.data) if form.validate() else ""
    if name and db.session.scalar(select(Division).filter_by(name=name)):
        form.name.errors = ["已有同名科室。"]
    elif name:
        db.session.add(Division(name=name))
        db.session.commit()
        flash(f"已添加科室 {name}。", "success")
        return redirect(url_for("admin.users"))
    rows = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render("admin/users.html", status=422, users=rows, divisions=_divisions(),
                  division_form=form)


# --- the working-day calendar (节假日与调休安排) -----------------------------------------
from flask_login import current_user  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402

from .. import workdays  # noqa: E402
from ..forms import CalendarYearForm  # noqa: E402
from ..models import CalendarYear  # noqa: E402

CALENDAR_YEARS = range(2000, 2101)


@bp.get("/calendar")
@role_required(Role.ADMIN)
def calendar():
    return render("admin/calendar.html", statuses=workdays.year_statuses(),
                  package_years=workdays.PACKAGE_YEARS, package_label=workdays.PACKAGE_LABEL)


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
    current = workdays.current_version(year)
    form = CalendarYearForm(year=year)
    status = 200
    if request.method == "GET":
        start = (workdays.package_entries(year) if request.args.get("from") == "package"
                 else workdays.entries_of(current))
        form.days.data = workdays.format_lines(start)
        form.maintained.data = bool(current and current.maintained)
        form.note.data = current.note if current else ""
    elif form.validate():
        try:
            saved = workdays.save_year(year, form.entries, maintained=form.maintained.data,
                                       note=clean_text(form.note.data), source="管理页面",
                                       user=current_user._get_current_object())
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.days.errors = ["其他人刚刚保存了该年度的日历。您录入的内容仍在下面，请刷新页面核对后再保存。"]
            status = 409
            current = workdays.current_version(year)
        else:
            if saved is None:
                flash(f"{year}年日历内容没有变化，未保存新版本。", "info")
            else:
                flash(f"已保存{year}年节假日与调休安排（放假 {_count(saved, 'holiday')} 天，"
                      f"调休上班 {_count(saved, 'workday')} 天）"
                      f"{'，已标记为已维护' if saved.maintained else '，尚未标记为已维护'}。", "success")
            return redirect(url_for("admin.calendar"))
    if form.errors and status == 200:
        status = 422
    history = db.session.scalars(select(CalendarYear).filter_by(year=year)
                                 .order_by(CalendarYear.id.desc())).all()
    return render("admin/calendar_year.html", status=status, form=form, year=year,
                  year_status=workdays.YearStatus(year, current),
                  package_days=workdays.package_entries(year),
                  history=[(v, workdays.format_lines(workdays.entries_of(v))) for v in history])


def _count(version, kind):
    return sum(1 for d in version.days if d.kind == kind)


# --- the public catalogue's settings (目录设置) ------------------------------------------------
@bp.route("/catalogue", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def catalogue_settings():
    """The organisation code of the 索引号; the category list and the pattern are configuration."""
    from flask_login import current_user

    from .. import catalogue
    from ..workflow import WorkflowError
    error, status = None, 200
    if request.method == "POST":
        try:
            catalogue.set_org_code(current_user, clean_text(request.form.get("org_code", "")))
            db.session.commit()
            flash("已保存机构代码。", "success")
            return redirect(url_for("admin.catalogue_settings"))
        except WorkflowError as e:
            db.session.rollback()
            error, status = e.message, e.status
    return render("admin/catalogue.html", status=status, error=error, org_code=catalogue.org_code(),
                  categories=catalogue.categories(), default_category=catalogue.default_category(),
                  example=catalogue.format_index(catalogue.org_code(), catalogue.default_category(),
                                                 2026, 108))
