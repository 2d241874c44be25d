"""Issue 8: “Password policy: at least 10 characters, not the username, not in a list of common
passwords (ship one), for the admin form and flask create-user alike; create-user never accepts 1”,
and the user's own 修改密码 (tests/security/test_sessions.py)."""
import pytest
from sqlalchemy import select

from reviewtool import passwords
from reviewtool.demo import DEMO_PASSWORD
from reviewtool.models import User

GOOD = "Harbor-light-2026"


@pytest.mark.parametrize("password, username, fragment", [
    ("1", "wang", "至少须有10个字符"),
    ("123456789", "wang", "至少须有10个字符"),
    ("", "wang", "至少须有10个字符"),
    ("wangwei-2026", "wangwei", "用户名"),
    ("WANGWEI2026x", "wangwei", "用户名"),
    ("wangwei", "wangwei", "至少须有10个字符"),
    ("1234567890", "wang", "常见密码"),
    ("qwertyuiop", "wang", "常见密码"),
    ("Password123", "wang", "常见密码"),
    ("woaini1314", "wang", "常见密码"),
    ("          ", "wang", "空格"),
    ("x" * 201, "wang", "不能超过200"),
])
def test_refused_passwords(password, username, fragment):
    assert fragment in (passwords.problem(password, username) or "")


@pytest.mark.parametrize("password", [GOOD, DEMO_PASSWORD, "交通运输局-政务公开-2026", "correct horse battery"])
def test_accepted_passwords(password):
    assert passwords.problem(password, "wangwei") is None


def test_the_shipped_list_is_a_real_list():
    common = passwords.common_passwords()
    assert len(common) > 19000
    assert {"123456", "password", "iloveyou", "1qaz2wsx3edc"} <= common
    assert all(p == p.lower() and p.strip() == p for p in common)


def test_the_admin_form_enforces_the_policy_for_new_users_and_resets(db, users, browser):
    admin = browser("admin")
    fields = dict(username="zhou", name="周七", role="principal", division_id=0, active="y")
    for weak, message in (("1", "至少须有10个字符"), ("zhou-zhou-zhou", "用户名"), ("1234567890", "常见密码")):
        response = admin.post("/admin/users/new", dict(fields, password=weak))
        page = response.get_data(True)
        assert response.status_code == 422 and message in page and 'value="周七"' in page
    assert db.session.scalar(select(User).filter_by(username="zhou")) is None
    assert admin.post("/admin/users/new", dict(fields, password=GOOD)).status_code == 302
    zhou = db.session.scalar(select(User).filter_by(username="zhou"))
    reset = admin.post(f"/admin/users/{zhou.id}", dict(fields, password="abc"))
    assert reset.status_code == 422 and "至少须有10个字符" in reset.get_data(True)
    assert db.session.get(User, zhou.id).check_password(GOOD)
    assert passwords.RULE in admin.get("/admin/users/new").get_data(True)


@pytest.mark.parametrize("weak, message", [("1", "至少须有10个字符"), ("li-si-2026-li", None),
                                            ("qwertyuiop", "常见密码"), ("lisi123456", "用户名")])
def test_create_user_applies_the_same_policy(app, db, weak, message):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "lisi", "--name", "李四", "--role",
                                 "principal", "--password", weak])
    user = db.session.scalar(select(User).filter_by(username="lisi"))
    if message is None:
        assert result.exit_code == 0 and user.check_password(weak)
    else:
        assert result.exit_code != 0 and message in result.output and user is None


def test_create_user_never_accepts_1_even_when_typed_at_the_prompt(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "root2", "--name", "管理员", "--role", "admin"],
                           input="1\n1\n")
    assert result.exit_code != 0 and "至少须有10个字符" in result.output
    assert db.session.scalar(select(User).filter_by(username="root2")) is None


def test_the_demo_password_passes_the_policy_and_logs_in(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for user in db.session.scalars(select(User)):
        assert passwords.problem(DEMO_PASSWORD, user.username) is None
        assert user.check_password(DEMO_PASSWORD)
