from reviewtool.labels import Role


def test_login_lands_each_role_on_its_work_list_with_counts(browser, users, make_document):
    from reviewtool.labels import State
    make_document(State.DIVISION_REVIEW)
    make_document(State.DIVISION_REVIEW)
    head = browser("head")
    page = head.get("/documents/", follow_redirects=True).get_data(True)
    assert "待我审签" in page
    assert '<span class="count">2</span>' in page
    office = browser("office").get("/documents/").get_data(True)
    assert "待审核" in office and "待发布" in office


def test_wrong_password_gives_clear_chinese_error(browser, users):
    b = browser()
    response = b.login("drafter", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(True)
    assert b.get("/documents/").status_code == 302   # still logged out


def test_inactive_user_cannot_log_in(browser, users, db):
    users["drafter"].active = False
    db.session.commit()
    response = browser().login("drafter")
    assert response.status_code == 401
    assert "已停用" in response.get_data(True)


def test_password_is_hashed(users):
    assert "secret-pass" not in users["drafter"].password_hash
    assert users["drafter"].check_password("secret-pass-1")


def test_logout(browser, users):
    b = browser("drafter")
    response = b.post("/logout")
    assert response.status_code == 302
    assert b.get("/documents/").status_code == 302


def test_logout_without_csrf_is_refused(browser, users):
    b = browser("drafter")
    response = b.post("/logout", csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(True)
    assert b.get("/documents/").status_code == 200


def test_admin_lands_on_user_screen(browser, users):
    response = browser("admin").get("/documents/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users")


def test_login_next_is_not_an_open_redirect(browser, users):
    b = browser()
    b.get("/login")
    response = b.post("/login?next=https://evil.example/",
                      data=dict(username="drafter", password="secret-pass-1"))
    assert response.headers["Location"].endswith("/documents/")


def test_roles_are_all_labelled_in_chinese():
    assert [r.label for r in Role] == ["拟稿人", "分管领导", "主要负责人", "办公室", "系统管理员"]
