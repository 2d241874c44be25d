"""Issue 8 in a real browser: the stored XSS that signed a document for the principal who opened it
(nothing happens now), and the security screens — login throttled, 修改密码, the admin's 全部下线,
a body over the limit (413 in place) and a URL too long (414)."""
import re
import sqlite3

import pytest

from .conftest import expect, screenshot

pytestmark = pytest.mark.e2e

TITLE = "关于全市道路运输企业安全检查情况的通报（安全测试）"


def payload(doc_id):
    return (f"<p>经检查，各运输企业整改情况如下。</p>"
            f"<table><tr><td colspan='a>\" hx-post=\"/review/{doc_id}/principal_sign_off\" "
            f"hx-trigger=\"load\" hx-swap=\"none\" hx-target=\"body\" onmouseover=\"alert(1)\" "
            f"data-x=\"'>检查结果：合格</td></tr></table><p>请各单位对照整改。</p>")


def click_decision(session, button, comment=None):
    actions = session.page.locator("#actions")
    if comment:
        actions.locator("textarea[name=comment]").fill(comment)
    with session.page.expect_response(lambda r: r.request.method == "POST") as response:
        actions.get_by_role("button", name=button, exact=True).click()
    assert response.value.status == 200, response.value.text()
    expect(actions.locator(".flash-success")).to_contain_text(button)


def test_a_hostile_body_does_nothing_when_the_principal_opens_it(open_session, live_site):
    # The drafter writes the body with the payload, as a 删减后公开 document.
    nigao = open_session("nigao")
    page = nigao.page
    page.get_by_role("link", name="起草公文").click()
    form = page.locator("#document-form")
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("正文").fill(payload(0))
    with page.expect_response(lambda r: r.url.endswith("/documents/disclosure-fields")):
        form.get_by_label("删减后公开").check()
    reasons = page.locator("#reason-fields")
    reasons.get_by_label("法律依据").select_option(value="art37_separable")
    reasons.get_by_label("理由说明").fill("附件中涉及企业检查结论的内容删除后，其余部分可以公开。")
    page.locator("#disclosure-fields").get_by_label("门户网站政府信息公开专栏").check()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flash-success")).to_have_text("已保存草稿。")
    doc_id = int(re.search(r"/documents/(\d+)$", page.url).group(1))
    # Now the payload names this very document, as the attacker's did.
    nigao.goto(f"/documents/{doc_id}/edit")
    page.locator("#document-form").get_by_label("正文").fill(payload(doc_id))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flash-success")).to_have_text("已保存草稿。")
    nigao.goto(f"/documents/{doc_id}/redactions")
    page.get_by_label("要删除的原文").fill("检查结果：合格")
    page.get_by_label("删减依据").select_option(value="art37_separable")
    page.get_by_role("button", name="添加删减标注").click()
    expect(page.locator(".flash-success")).to_have_text("已添加删减标注。")
    nigao.goto(f"/documents/{doc_id}")
    page.locator("#actions").get_by_role("button", name="提交审核").click()
    expect(page.locator("#actions .badge")).to_have_text("办公室审核")

    bangong = open_session("bangong")
    bangong.goto(f"/documents/{doc_id}")
    click_decision(bangong, "审核通过")
    fenguan = open_session("fenguan")
    fenguan.goto(f"/documents/{doc_id}")
    click_decision(fenguan, "分管领导审签同意")

    # The principal merely opens it.
    zhuyao = open_session("zhuyao")
    posts = []
    zhuyao.page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    zhuyao.goto(f"/documents/{doc_id}")
    page = zhuyao.page
    page.wait_for_load_state("networkidle")
    page.locator("#paper td").hover()                                     # and points at the cell
    page.wait_for_timeout(1000)
    expect(page.locator("#actions .badge")).to_have_text("主要负责人签发")
    expect(page.locator("#paper td")).to_have_text("检查结果：合格")
    assert page.locator("[hx-trigger=load]").count() == 0
    screenshot(page, "security-hostile-body-principal-view")
    assert posts == [], posts
    with sqlite3.connect(live_site.database) as conn:
        state = conn.execute("SELECT state FROM document WHERE id = ?", (doc_id,)).fetchone()[0]
        signed = conn.execute("SELECT count(*) FROM event WHERE document_id = ? AND action = "
                              "'principal_sign_off'", (doc_id,)).fetchone()[0]
    assert (state, signed) == ("principal_review", 0)
    zhuyao.goto(f"/documents/{doc_id}/history")
    expect(page.locator("#events")).not_to_contain_text("主要负责人签发（")


def test_login_throttled_in_place(open_session):
    session = open_session()
    page = session.page
    session.goto("/login")
    for _ in range(5):
        page.get_by_label("用户名").fill("no-such-user-e2e")
        page.get_by_label("密码").fill("wrong-password-e2e")
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".error-box")).to_have_text("用户名或密码错误。")
    page.get_by_label("密码").fill("wrong-password-e2e")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error-box")).to_contain_text("该账号登录失败次数过多，已暂时锁定。请在 15 分钟后")
    expect(page.get_by_label("用户名")).to_have_value("no-such-user-e2e")
    screenshot(page, "security-login-throttled")


def test_change_password_and_admin_signs_a_user_out_everywhere(open_session):
    # The admin creates an account (the policy shows under the password field).
    admin = open_session("admin")
    page = admin.page
    admin.goto("/admin/users/new")
    page.get_by_label("用户名").fill("anquan")
    page.get_by_label("姓名").fill("安全测试员")
    page.get_by_label("角色").select_option(value="principal")
    page.locator("#password").fill("1")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field-error")).to_contain_text("密码至少须有10个字符")
    page.locator("#password").fill("Harbor-light-2026")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("已保存用户 安全测试员")

    # The user signs in on two browsers and changes the password on one.
    laptop = open_session()
    laptop.login("anquan", "Harbor-light-2026")
    phone = open_session()
    phone.login("anquan", "Harbor-light-2026")
    page = laptop.page
    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("原密码").fill("Harbor-light-2026")
    page.get_by_label("新密码", exact=True).fill("1234567890")
    page.get_by_label("再次输入新密码").fill("1234567890")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".field-error")).to_have_text("这是一个常见密码，很容易被猜中，请换一个。")
    screenshot(page, "security-change-password-refused")
    page.get_by_label("原密码").fill("Harbor-light-2026")
    page.get_by_label("新密码", exact=True).fill("Quiet-river-2027")
    page.get_by_label("再次输入新密码").fill("Quiet-river-2027")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".flash-success")).to_contain_text("密码已修改")
    phone.page.reload()
    expect(phone.page.get_by_role("heading", name="登录")).to_be_visible()
    expect(phone.page.locator(".flash-warning")).to_contain_text("您的登录已结束")

    # The admin signs the user out everywhere; the laptop's next click lands on the login page.
    page = admin.page
    admin.goto("/admin/users")
    page.locator("tr", has_text="anquan").get_by_role("link", name="编辑").click()
    page.get_by_role("button", name=re.compile("全部下线")).click()
    expect(page.locator(".flash-success")).to_contain_text("已让用户 安全测试员（anquan）在所有设备上下线")
    expect(page.locator("#account-events")).to_contain_text("全部下线")
    expect(page.locator("#account-events")).to_contain_text("修改密码")
    screenshot(page, "security-admin-sign-out-everywhere", full_page=True)
    laptop.page.get_by_role("link", name="修改密码").click()
    expect(laptop.page.get_by_role("heading", name="登录")).to_be_visible()
    laptop.login("anquan", "Quiet-river-2027")


def test_a_body_over_the_limit_is_refused_in_place_and_the_form_kept(open_session):
    nigao = open_session("nigao")
    page = nigao.page
    nigao.goto("/documents/new")
    form = page.locator("#document-form")
    form.get_by_label("标题").fill("关于一份过大正文的测试")
    form.get_by_label("正文").fill("过大的正文。" * 70_000)            # over the server's 1 MB here
    page.get_by_role("button", name="保存草稿").click()
    error = page.locator("#request-error .error-box")
    expect(error).to_contain_text("提交的内容超过了 1 MB 的上限")
    expect(form.get_by_label("标题")).to_have_value("关于一份过大正文的测试")
    expect(page.locator("#announcer")).to_contain_text("超过了 1 MB 的上限")
    form.get_by_label("正文").fill("正文已精简。")                         # the form still works
    screenshot(page, "security-413-in-place")


def test_a_url_too_long_is_a_chinese_page(open_session):
    nigao = open_session("nigao")
    response = nigao.goto("/documents/?list=" + "x" * 3000)
    assert response.status == 414
    expect(nigao.page.locator(".error-box")).to_contain_text("网址过长")
    screenshot(nigao.page, "security-414")
