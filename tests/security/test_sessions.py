"""Issue 8: “Logout and password change do not end sessions (a replayed cookie still submits
documents)”.  Logout, a password change, a reset or deactivation by the admin and the admin's
全部下线 end every existing session; idle timeout and absolute lifetime are enforced on the
server from the signed session's timestamps."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewtool.labels import Action, State
from reviewtool.models import Document, Event, User

from ..conftest import PASSWORD, Browser

NEW_PASSWORD = "Lanzhou-road-2026"


class Replay(Browser):
    """A second client that sends a copy of the session cookie (and the page's CSRF token)
    with every request, whatever the server answered before."""

    def __init__(self, app, stolen):
        super().__init__(app)
        self.cookie = stolen.client.get_cookie("session").value
        self.token = stolen.token

    def get(self, url, **kw):
        self.client.set_cookie("session", self.cookie)
        return super().get(url, **kw)

    def post(self, url, data=None, **kw):
        self.client.set_cookie("session", self.cookie)
        return super().post(url, data, **kw)


replay = Replay


def signed_out(response):
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_replayed_after_logout_submits_nothing(app, db, users, browser, make_document):
    doc = make_document(State.DRAFT)
    drafter = browser("drafter")
    drafter.get(f"/documents/{doc.id}")                    # the page a thief copied, token and all
    copy = replay(app, drafter)
    assert copy.get("/documents/").status_code == 200      # the copy works while the session lives
    assert drafter.post("/logout").status_code == 302
    assert signed_out(copy.post(f"/documents/{doc.id}/submit"))
    assert signed_out(copy.get("/documents/"))
    assert db.session.get(Document, doc.id).state == State.DRAFT
    logout = db.session.scalars(select(Event).filter_by(action=Action.LOGOUT)).one()
    assert logout.subject == f"user:{users['drafter'].id}" and logout.actor_id == users["drafter"].id


def test_logout_ends_the_session_on_every_device(app, users, browser):
    office_pc, office_phone = browser("office"), browser("office")
    office_pc.post("/logout")
    response = office_phone.get("/documents/")
    assert signed_out(response)
    page = office_phone.get(response.headers["Location"]).get_data(True)
    assert "您的登录已结束" in page


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, db, users, browser):
    here, elsewhere = browser("drafter"), browser("drafter")
    page = here.get("/account/password")
    assert page.status_code == 200 and "修改密码" in page.get_data(True)
    response = here.post("/account/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(True)
    assert here.get("/documents/").status_code == 200
    assert signed_out(elsewhere.get("/documents/"))
    assert browser().login("drafter", PASSWORD).status_code == 401
    assert browser().login("drafter", NEW_PASSWORD).status_code == 302
    event = db.session.scalars(select(Event).filter_by(action=Action.PASSWORD_CHANGE)).one()
    assert event.actor_id == users["drafter"].id and event.subject == f"user:{users['drafter'].id}"
    assert NEW_PASSWORD not in event.after and PASSWORD not in event.after


@pytest.mark.parametrize("fields, field_error", [
    (dict(old_password="wrong-old-password", new_password=NEW_PASSWORD, new_password2=NEW_PASSWORD),
     "原密码不正确"),
    (dict(old_password=PASSWORD, new_password=NEW_PASSWORD, new_password2=NEW_PASSWORD + "x"),
     "两次输入的新密码不一致"),
    (dict(old_password=PASSWORD, new_password="short-1", new_password2="short-1"), "至少须有10个字符"),
    (dict(old_password=PASSWORD, new_password="drafter-2026-x", new_password2="drafter-2026-x"),
     "不能是用户名"),
    (dict(old_password=PASSWORD, new_password="qwertyuiop", new_password2="qwertyuiop"), "常见密码"),
    (dict(old_password=PASSWORD, new_password=PASSWORD, new_password2=PASSWORD), "不能与原密码相同"),
    (dict(old_password=PASSWORD, new_password="", new_password2=""), "此项为必填项"),
])
def test_a_refused_password_change_says_why_in_place(db, users, browser, fields, field_error):
    drafter = browser("drafter")
    response = drafter.post("/account/password", fields)
    page = response.get_data(True)
    assert response.status_code == 422 and field_error in page
    assert 'id="password-form"' in page                    # the form again, not an error page
    assert db.session.get(User, users["drafter"].id).check_password(PASSWORD)
    assert drafter.get("/documents/").status_code == 200   # still signed in


def test_change_password_needs_login_and_csrf(users, browser):
    assert signed_out(browser().get("/account/password"))
    drafter = browser("drafter")
    refused = drafter.post("/account/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                  "new_password2": NEW_PASSWORD}, csrf=False)
    assert refused.status_code == 400


def test_every_role_reaches_change_password_from_the_header(users, browser):
    for who in ("drafter", "head", "principal", "office", "admin"):
        b = browser(who)
        home = b.get("/documents/", follow_redirects=True).get_data(True)
        assert 'href="/account/password"' in home
        assert b.get("/account/password").status_code == 200


def user_form(user, **changes):
    data = dict(username=user.username, name=user.name, role=user.role.value,
                division_id=user.division_id or 0, active="y")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("change", ["deactivate", "reset"])
def test_deactivation_or_a_reset_by_the_admin_ends_the_sessions(db, users, browser, change):
    drafter = browser("drafter")
    target = users["drafter"]
    fields = user_form(target, active=None) if change == "deactivate" else user_form(
        target, password="Reset-by-admin-77")
    assert browser("admin").post(f"/admin/users/{target.id}", fields).status_code == 302
    assert signed_out(drafter.get("/documents/"))
    event = db.session.scalars(select(Event).filter_by(action=Action.USER_UPDATE)).one()
    assert "已结束其全部登录会话" in event.after


def test_an_edit_that_changes_neither_password_nor_status_keeps_the_sessions(users, browser):
    drafter = browser("drafter")
    target = users["drafter"]
    assert browser("admin").post(f"/admin/users/{target.id}", user_form(target, name="新名字")).status_code == 302
    assert drafter.get("/documents/").status_code == 200


def test_admin_signs_a_user_out_everywhere(db, users, browser):
    phone, pc = browser("principal"), browser("principal")
    admin = browser("admin")
    target = users["principal"]
    page = admin.get(f"/admin/users/{target.id}").get_data(True)
    assert "全部下线" in page and f'action="/admin/users/{target.id}/sessions/end"' in page
    response = admin.post(f"/admin/users/{target.id}/sessions/end")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/users/{target.id}")
    assert signed_out(phone.get("/documents/")) and signed_out(pc.get("/documents/"))
    assert admin.get("/admin/users").status_code == 200          # the admin's own session stays
    event = db.session.scalars(select(Event).filter_by(action=Action.SESSIONS_END)).one()
    assert (event.actor_id, event.subject) == (users["admin"].id, f"user:{target.id}")
    log = admin.get(f"/admin/users/{target.id}").get_data(True)
    assert "账号记录" in log and "全部下线" in log and users["admin"].name in log
    assert browser().login("principal").status_code == 302     # the password still works


def test_only_the_admin_signs_others_out(users, browser):
    for who in ("office", "principal", "drafter"):
        assert browser(who).post(f"/admin/users/{users['head'].id}/sessions/end").status_code == 403
    head = browser("head")
    assert head.get("/documents/").status_code == 200


def test_the_admin_signing_themself_out_lands_on_the_login_page(users, browser):
    admin = browser("admin")
    response = admin.post(f"/admin/users/{users['admin'].id}/sessions/end")
    assert signed_out(response)
    assert "已结束您本人在所有设备上的登录" in admin.get("/login").get_data(True)
    assert signed_out(admin.get("/admin/users"))


def shift(browser_, key, seconds):
    with browser_.client.session_transaction() as session:
        session[key] -= seconds


def test_idle_timeout_is_enforced_on_the_server(app, users, browser):
    drafter = browser("drafter")
    shift(drafter, "_seen", 7 * 3600)                       # 7 h idle: within 8 h
    assert drafter.get("/documents/").status_code == 200
    shift(drafter, "_seen", 8 * 3600 + 60)                  # then idle for more than 8 h
    response = drafter.get("/documents/")
    assert signed_out(response)
    assert "长时间未操作" in drafter.get(response.headers["Location"]).get_data(True)


def test_idle_timeout_comes_from_config(app, users, browser):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=5)
    drafter = browser("drafter")
    shift(drafter, "_seen", 4 * 60)
    assert drafter.get("/documents/").status_code == 200
    shift(drafter, "_seen", 6 * 60)
    assert signed_out(drafter.get("/documents/"))


def test_absolute_lifetime_is_enforced_even_for_an_active_session(app, users, browser):
    drafter = browser("drafter")
    shift(drafter, "_started", 6 * 24 * 3600)
    assert drafter.get("/documents/").status_code == 200
    shift(drafter, "_started", 24 * 3600 + 60)              # 7 days and a minute after login
    response = drafter.get("/documents/")
    assert signed_out(response)
    assert "最长有效期" in drafter.get(response.headers["Location"]).get_data(True)


def test_a_session_signed_before_these_rules_is_not_trusted(app, users, browser):
    drafter = browser("drafter")
    with drafter.client.session_transaction() as session:
        session["_user_id"] = str(users["drafter"].id)      # the old format: id only, no clocks
        del session["_started"], session["_seen"]
    assert signed_out(drafter.get("/documents/"))


def test_an_htmx_request_of_an_ended_session_loads_the_login_page(app, users, browser, make_document):
    doc = make_document(State.OFFICE_CHECK)
    office = browser("office")
    office.get(f"/documents/{doc.id}")
    browser("office").post("/logout")
    response = office.post(f"/office/{doc.id}/pass", htmx=True)
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/login")
    assert db_state(app, doc.id) == State.OFFICE_CHECK


def db_state(app, doc_id):
    from reviewtool.extensions import db
    return db.session.get(Document, doc_id).state
