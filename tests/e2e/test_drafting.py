"""The drafter at work, in a real browser: the form, the htmx reason fields, the refused submit."""
import re

import pytest
from .conftest import expect, screenshot

pytestmark = pytest.mark.e2e

TITLE = "关于某物流公司道路货运线路调整申请的复函（端到端测试）"
BODY = ("某物流有限公司：\n你公司关于调整道路货运线路的申请收悉。经研究，同意你公司按申请调整线路。\n"
        "请严格落实安全生产主体责任，按规定办理相关手续。")
REASON = "本文为针对单个企业线路调整申请所作的答复，仅涉及该企业自身经营事项，不属于主动公开范围。"


def test_drafter_writes_an_on_request_document_and_submits_it(open_session):
    nigao = open_session("nigao", shot="01-login")
    page = nigao.page
    expect(page.get_by_role("heading", name="我的工作台")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("张明（拟稿人 · 综合规划科）")
    expect(page.locator("#worklist .tab.active")).to_contain_text("待我修改")
    expect(page.locator("#worklist")).to_contain_text("2020年政府信息公开工作年度报告")
    screenshot(page, "02-worklist-drafter")

    # Switching tabs is an htmx swap of the work list.
    nigao.mark()
    page.locator("#worklist").get_by_role("link", name=re.compile("已办结")).click()
    expect(page.locator("#worklist .tab.active")).to_contain_text("已办结")
    expect(page.locator("#worklist")).to_contain_text("关于印发2018年政务公开工作要点的通知")
    expect(page).to_have_url(re.compile(r"list=done"))
    expect(page.locator(".mainnav a.active")).to_have_text("已办结")   # the top nav follows
    assert nigao.marker_survived(), "switching tabs reloaded the page"

    # 起草公文
    page.get_by_role("link", name="起草公文").click()
    expect(page.get_by_role("heading", name="起草公文")).to_be_visible()
    form = page.locator("#document-form")
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("正文").fill(BODY)
    expect(page.locator("#reason-fields")).to_have_count(0)

    # Choosing 依申请公开 brings the basis and reason fields in place, by an htmx request.
    nigao.mark()
    with page.expect_response(lambda r: r.url.endswith("/documents/disclosure-fields")) as swap:
        form.get_by_label("依申请公开").check()
    assert swap.value.status == 200
    assert swap.value.request.headers.get("hx-request") == "true"
    reason_fields = page.locator("#reason-fields")
    expect(reason_fields).to_be_visible()
    expect(reason_fields.get_by_label("法律依据")).to_be_visible()
    expect(reason_fields.get_by_label("理由说明")).to_be_visible()
    expect(page.locator(".channels .hint")).to_have_text("依申请公开的公文无需选择公开方式。")
    assert nigao.marker_survived(), "choosing the attribute reloaded the page"
    expect(form.get_by_label("标题")).to_have_value(TITLE)
    # Only the basis that fits 依申请公开 is offered.
    options = reason_fields.get_by_label("法律依据").locator("option").all_inner_texts()
    assert options == ["请选择法律依据", "第十九条、第二十条：不属于第十九条、第二十条规定的主动公开范围"]
    reason_fields.get_by_label("法律依据").select_option(label=options[1])
    page.get_by_role("button", name="提交审核").scroll_into_view_if_needed()
    screenshot(page, "03-document-form-reason-fields")

    # Submitting with the reason left empty: the error shows in the form, nothing typed is lost.
    nigao.mark()
    with page.expect_response(lambda r: "/documents/" in r.url and r.request.method == "POST") as sub:
        page.get_by_role("button", name="提交审核").click()
    assert sub.value.status == 422
    form = page.locator("#document-form")
    expect(form.locator(".flash-warning")).to_have_text("草稿已保存，但还不能提交：请按提示补充后再提交。")
    error = form.locator(".field-error")
    expect(error).to_have_text("依申请公开须写明理由。")
    expect(error).to_be_visible()
    expect(form.get_by_label("标题")).to_have_value(TITLE)
    expect(form.get_by_label("正文")).to_have_value(re.compile("你公司关于调整道路货运线路的申请收悉"))
    expect(form.get_by_label("依申请公开")).to_be_checked()
    expect(form.get_by_label("法律依据")).to_have_value("not_proactive_scope")
    assert nigao.marker_survived(), "the refused submit reloaded the page"
    expect(page).to_have_url(re.compile(r"/documents/\d+/edit$"))   # the draft was kept
    error.scroll_into_view_if_needed()
    screenshot(page, "04-validation-error")

    # A boilerplate reason is refused as well.
    form.get_by_label("理由说明").fill("依申请公开")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#document-form .field-error")).to_contain_text("理由过于笼统")

    # A specific reason: submitted, and the browser goes to the document page.
    page.locator("#document-form").get_by_label("理由说明").fill(REASON)
    page.get_by_role("button", name="提交审核").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+$"))
    expect(page.locator(".flash-success")).to_have_text("已提交，等待办公室审核。")
    expect(page.locator("#paper .paper-title")).to_have_text(TITLE)
    expect(page.locator("#actions .badge")).to_have_text("办公室审核")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("依申请公开")
    expect(facts).to_contain_text(REASON)
    expect(facts).to_contain_text("第十九条、第二十条")

    # It is in the drafter's 审批中 list.
    page.get_by_role("link", name="审批中").first.click()
    expect(page.locator("#worklist")).to_contain_text(TITLE)


def test_wrong_password_is_refused_in_chinese(open_session):
    anon = open_session()
    page = anon.page
    anon.goto("/login")
    page.get_by_label("用户名").fill("nigao")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error-box")).to_have_text("用户名或密码错误。")
    expect(page.get_by_label("用户名")).to_have_value("nigao")


def test_returned_document_opens_for_editing_as_plain_text(open_session):
    nigao = open_session("nigao")
    page = nigao.page
    page.locator("#worklist").get_by_role("link", name="2020年政府信息公开工作年度报告").click()
    expect(page.locator(".comments")).to_contain_text("请补充各渠道公开数量的统计口径说明后再报。")
    page.locator("#actions").get_by_role("link", name="修改公文").click()
    expect(page.get_by_role("heading", name="修改公文")).to_be_visible()
    expect(page.locator(".comments")).to_contain_text("请补充各渠道公开数量的统计口径说明后再报。")
    body = page.locator("#document-form").get_by_label("正文")
    expect(body).to_have_value(re.compile("2020年主动公开政府信息累计595条"))
    assert "<p>" not in body.input_value()
