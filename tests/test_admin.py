from sqlalchemy import select

from reviewtool.models import User


def test_admin_creates_a_division_head_with_led_divisions(db, users, divisions, browser):
    admin = browser("admin")
    page = admin.get("/admin/users").get_data(True)
    assert "综合规划科" in page
    ids = [d.id for d in divisions.values()]
    response = admin.post("/admin/users/new", {"username": "zhou", "name": "周<b>七</b>",
                                               "role": "division_head", "division_id": 0,
                                               "led_division_ids": ids, "password": "long-pass-8",
                                               "active": "y"})
    assert response.status_code == 302, response.get_data(True)
    zhou = db.session.scalar(select(User).filter_by(username="zhou"))
    assert zhou.name == "周七" and len(zhou.led_divisions) == 2 and zhou.check_password("long-pass-8")
    zhou_browser = browser()
    assert zhou_browser.login("zhou", "long-pass-8").status_code == 302
    assert zhou_browser.get("/documents/").status_code == 200


def test_admin_form_errors_in_chinese_keep_input(db, users, browser):
    admin = browser("admin")
    response = admin.post("/admin/users/new", {"username": "drafter", "name": "重复",
                                               "role": "drafter", "division_id": 0, "password": ""})
    page = response.get_data(True)
    assert response.status_code == 422
    assert "拟稿人须选择所在科室" in page and 'value="重复"' in page


def test_admin_deactivates_instead_of_deleting(db, users, browser):
    admin = browser("admin")
    target = users["colleague"]
    response = admin.post(f"/admin/users/{target.id}", {"username": "colleague", "name": "同事",
                                                        "role": "drafter",
                                                        "division_id": target.division_id})
    assert response.status_code == 302
    user = db.session.get(User, target.id)
    assert user is not None and user.active is False


def test_only_admin_reaches_admin_screens(users, browser):
    for who in ("drafter", "office", "principal"):
        assert browser(who).get("/admin/users").status_code == 403


def test_admin_adds_division(db, users, browser):
    admin = browser("admin")
    assert admin.post("/admin/divisions", {"name": "财务审计科"}).status_code == 302
    dup = admin.post("/admin/divisions", {"name": "财务审计科"})
    assert dup.status_code == 422 and "已有同名科室" in dup.get_data(True)
