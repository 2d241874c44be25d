"""Issue 8: “No login throttling: 30 wrong passwords, then straight in.”  Failed password checks
are limited per account (5 per 15 minutes) and per client address (30 per 15 minutes); the
refusal is a Chinese message with the wait time, in place on the login form (429); each lockout
writes one Event; an unknown name costs a password hash like a known one."""
import re

from sqlalchemy import select

from reviewtool.labels import Action
from reviewtool.models import Event, User

from ..conftest import PASSWORD

WRONG = "not-the-password-1"


def attempt(b, username, password=WRONG, address=None, **kw):
    environ = {"REMOTE_ADDR": address} if address else {}
    return b.post("/login", data=dict(username=username, password=password),
                  environ_base=environ, **kw)


def fresh(browser):
    b = browser()
    b.get("/login")
    return b


def lockouts(db):
    return db.session.scalars(select(Event).filter_by(action=Action.LOGIN_LOCKOUT).order_by(Event.id)).all()


def test_the_sixth_attempt_on_an_account_is_refused_even_with_the_right_password(db, users, browser):
    b = fresh(browser)
    for _ in range(5):
        assert attempt(b, "drafter").status_code == 401
    locked = attempt(b, "drafter", PASSWORD)
    page = locked.get_data(True)
    assert locked.status_code == 429
    assert re.search(r"该账号登录失败次数过多，已暂时锁定。请在 1[45] 分钟后（\d\d:\d\d 之后）再试", page)
    assert 'value="drafter"' in page and '<form method="post"' in page        # in place, name kept
    assert b.get("/documents/").status_code == 302                            # not signed in
    assert attempt(b, "drafter", PASSWORD).status_code == 429                 # still locked
    (event,) = lockouts(db)                                                   # one Event per lockout
    assert event.subject == f"user:{users['drafter'].id}" and event.actor_id is None
    assert "账号 drafter" in event.after and "锁定至" in event.after and "127.0.0.1" in event.comment
    assert event.actor_name == "系统"


def test_a_locked_account_does_not_lock_the_others(users, browser):
    b = fresh(browser)
    for _ in range(6):
        attempt(b, "drafter")
    assert attempt(fresh(browser), "colleague", PASSWORD).status_code == 302


def test_the_name_is_matched_as_typed_in_any_case_and_spacing(users, browser):
    b = fresh(browser)
    for name in ("drafter", "Drafter", " DRAFTER ", "drafter\u200b", "drafter"):
        attempt(b, name)
    assert attempt(b, "drafter", PASSWORD).status_code == 429


def test_successful_logins_do_not_count(users, browser):
    for _ in range(8):
        assert fresh(browser).login("drafter").status_code == 302


def test_per_address_limit_across_many_accounts(app, db, users, browser, make_user):
    app.config["LOGIN_LIMIT_ACCOUNT"] = "100 per 15 minutes"
    b = fresh(browser)
    names = list(users)
    for i in range(30):
        assert attempt(b, names[i % len(names)], address="10.1.1.1").status_code == 401
    refused = attempt(b, "principal", PASSWORD, address="10.1.1.1")
    assert refused.status_code == 429 and "您所在网络地址登录失败次数过多" in refused.get_data(True)
    assert attempt(fresh(browser), "principal", PASSWORD, address="10.1.1.2").status_code == 302
    (event,) = lockouts(db)
    assert event.subject == "address:10.1.1.1" and "来源地址 10.1.1.1" in event.after


def test_an_unknown_name_is_throttled_and_logged_too(db, users, browser):
    b = fresh(browser)
    for _ in range(6):
        attempt(b, "nobody-here")
    (event,) = lockouts(db)
    assert event.subject == "login:nobody-here"


def test_unknown_names_cost_a_password_hash_like_known_ones(db, users, browser, monkeypatch):
    """No enumeration by timing: whether the name exists or not, exactly one password hash of the
    same method is checked."""
    from reviewtool.models import users as user_model
    checked = []
    real = user_model.check_password_hash

    def spy(pwhash, password):
        checked.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(user_model, "check_password_hash", spy)
    real_user = db.session.scalar(select(User).filter_by(username="drafter"))
    real_user.set_password("Known-user-pw-1")                    # a hash made as the app makes them
    db.session.commit()
    b = fresh(browser)
    assert attempt(b, "drafter").status_code == 401
    assert attempt(b, "nobody-at-all").status_code == 401
    assert len(checked) == 2 and checked[0] == checked[1]
    assert "用户名或密码错误" in attempt(b, "nobody-at-all").get_data(True)


def test_a_spoofed_forwarded_for_does_not_escape_the_limit_without_a_trusted_proxy(app, users, browser):
    app.config["LOGIN_LIMIT_ACCOUNT"] = "100 per 15 minutes"
    b = fresh(browser)
    for i in range(30):
        attempt(b, "drafter", headers={"X-Forwarded-For": f"203.0.113.{i}"})
    assert attempt(b, "drafter", PASSWORD, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 429


def test_wrong_old_passwords_on_the_change_screen_count_for_the_account(db, users, browser):
    drafter = browser("drafter")
    for _ in range(5):
        response = drafter.post("/account/password", {"old_password": WRONG, "new_password": "Abcdef-98765",
                                                      "new_password2": "Abcdef-98765"})
        assert response.status_code == 422
    locked = drafter.post("/account/password", {"old_password": PASSWORD, "new_password": "Abcdef-98765",
                                                "new_password2": "Abcdef-98765"})
    assert locked.status_code == 429 and "该账号登录失败次数过多" in locked.get_data(True)
    assert 'id="password-form"' in locked.get_data(True)
    assert db.session.get(User, users["drafter"].id).check_password(PASSWORD)
    assert attempt(fresh(browser), "drafter", PASSWORD).status_code == 429    # the same account lock


def test_the_lock_ends_when_the_window_has_passed(app, users, browser):
    import time
    app.config["LOGIN_LIMIT_ACCOUNT"] = "2 per 2 seconds"
    b = fresh(browser)
    attempt(b, "drafter")
    attempt(b, "drafter")
    assert attempt(b, "drafter", PASSWORD).status_code == 429
    time.sleep(2.2)
    assert attempt(b, "drafter", PASSWORD).status_code == 302
