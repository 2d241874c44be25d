"""A proactive document from draft to published, every step clicked in a real browser:
drafter → office 审核通过 → division head 分管领导审签同意 → principal 主要负责人签发
→ the publishing queue with 附注 "（此件主动公开）" → the office registers it published."""
import re
from datetime import date

import pytest

from reviewtool.dates import local_today
from .conftest import expect, screenshot

pytestmark = pytest.mark.e2e

TITLE = "关于公布2026年度城市公交线网优化调整方案的通知（端到端测试）"
BODY = ("各县（市、区）交通运输局，局属各单位：\n"
        "为进一步提升城市公共交通服务水平，现将2026年度城市公交线网优化调整方案予以公布。\n"
        "请各单位结合实际，认真做好线路调整的宣传解释和运营组织工作。")
URL = "https://jtj.example.gov.cn/zwgk/2026/bus-network.html"
DOC_NUMBER = "某交运〔2026〕8号"
ANNOTATION = "（此件主动公开）"


def take_action(session, button, expected_state, comment=None):
    """Click one decision in the document page's action panel; it must swap, not reload."""
    page = session.page
    actions = page.locator("#actions")
    if comment:
        actions.locator("textarea[name=comment]").fill(comment)
    session.mark()
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        actions.get_by_role("button", name=button, exact=True).click()
    assert response.value.status == 200, response.value.text()
    assert response.value.request.headers.get("hx-request") == "true"
    actions = page.locator("#actions")
    expect(actions.locator(".flash-success")).to_have_text(f"已{button}：{TITLE}")
    expect(actions.locator(".state-line .badge")).to_have_text(expected_state)
    expect(actions).to_contain_text("当前无需您处理。")
    assert session.marker_survived(), f"{button} reloaded the page instead of swapping #actions"


def open_from_worklist(session, tab, title=TITLE):
    page = session.page
    worklist = page.locator("#worklist")
    expect(worklist.locator(".tab.active")).to_contain_text(tab)
    worklist.get_by_role("link", name=title).click()
    expect(page.locator("#paper .paper-title")).to_have_text(title)
    return page


def test_proactive_document_is_approved_and_published(open_session):
    # 1. The drafter writes a proactive document for the portal and submits it.
    nigao = open_session("nigao")
    page = nigao.page
    page.get_by_role("link", name="起草公文").click()
    form = page.locator("#document-form")
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("正文").fill(BODY)
    with page.expect_response(lambda r: r.url.endswith("/documents/disclosure-fields")):
        form.get_by_label("主动公开").check()
    expect(page.locator("#reason-fields")).to_have_count(0)
    page.locator("#disclosure-fields").get_by_label("门户网站政府信息公开专栏").check()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".flash-success")).to_have_text("已提交，等待办公室审核。")
    expect(page.locator("#actions .badge")).to_have_text("办公室审核")
    expect(page.locator(".facts")).to_contain_text("门户网站政府信息公开专栏")
    # the paper carries its 附注 from the start: the leaders sign what gets published
    expect(page.locator("#paper .paper-annotation")).to_have_text(ANNOTATION)
    doc_url = page.url

    # 2. The office passes it, from the queue.
    bangong = open_session("bangong")
    page = bangong.page
    page.locator(".mainnav").get_by_role("link", name="审核队列").click()
    row = page.locator("#office-queue tbody tr").filter(has_text=TITLE)
    expect(row.locator(".ok")).to_have_text("符合要求")
    row.get_by_role("link", name="审核").click()
    take_action(bangong, "审核通过", "分管领导审签", comment="公开属性及公开方式已核。")

    # 3. The division head who leads 综合规划科 signs it off from 待我审签.
    fenguan = open_session("fenguan")
    page = fenguan.page
    expect(page.locator(".who")).to_contain_text("王强（分管领导）")
    screenshot(page, "08-worklist-division-head")
    open_from_worklist(fenguan, "待我审签")
    expect(page.locator("#actions").get_by_role("button", name="退回拟稿人")).to_be_visible()
    screenshot(page, "09-document-view-division-head")
    inbox = page.locator(".mainnav a").filter(has_text="待我审签").locator(".count")
    waiting = int(inbox.inner_text())
    take_action(fenguan, "分管领导审签同意", "主要负责人签发", comment="同意，拟主动公开。")
    expect(inbox).to_have_text(str(waiting - 1))       # the nav count changed with the swap

    # The other division head, who does not lead 综合规划科, never sees it.
    fenguan2 = open_session("fenguan2")
    expect(fenguan2.page.locator("#worklist")).not_to_contain_text(TITLE)
    response = fenguan2.goto(doc_url.removeprefix(fenguan2.base_url))
    assert response.status == 404
    expect(fenguan2.page.locator(".error-box")).to_contain_text("找不到该页面或公文。")

    # 4. The principal signs and issues it from 待我签发.
    zhuyao = open_session("zhuyao")
    page = zhuyao.page
    expect(page.locator(".who")).to_contain_text("陈建国（主要负责人）")
    screenshot(page, "10-worklist-principal")
    open_from_worklist(zhuyao, "待我签发")
    take_action(zhuyao, "主要负责人签发", "待发布", comment="同意签发。")
    page.reload()
    expect(page.locator("#paper .paper-annotation")).to_have_text(ANNOTATION)

    # 5. The publishing queue shows it with its 附注; the document page shows it too.
    page = bangong.page
    page.locator(".mainnav").get_by_role("link", name="发布队列").click()
    expect(page.get_by_role("heading", name="发布队列（主动公开）")).to_be_visible()
    row = page.locator("#publish-queue tbody tr").filter(has_text=TITLE)
    expect(row.locator(".annotation")).to_have_text(ANNOTATION)
    expect(row).to_contain_text("门户网站政府信息公开专栏")
    expect(row.locator("td").nth(3)).to_have_text(re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$"))  # 签发日期
    screenshot(page, "11-publishing-queue")
    row.get_by_role("link", name="登记发布").click()
    expect(page.locator("#paper .paper-annotation")).to_have_text(ANNOTATION)
    # Before publishing: the 文号 is registered and the confidentiality check (保密审查) passed.
    prepublish = page.locator("#prepublish")
    expect(prepublish.locator("#catalogue-meta")).to_contain_text("-0204-")           # 索引号 assigned
    prepublish.get_by_label("文号").fill(DOC_NUMBER)
    prepublish.get_by_role("button", name="保存编目信息").click()
    expect(page.locator(".flash-success")).to_have_text("已登记编目信息。")
    with page.expect_response(lambda r: "/confidentiality/pass" in r.url) as checked:
        page.locator("#actions").get_by_role("button", name="保密审查通过", exact=True).click()
    assert checked.value.status == 200
    expect(page.locator("#actions .flash-success")).to_have_text(f"已保密审查通过：{TITLE}")
    expect(page.locator("#confidentiality-status")).to_contain_text("已通过")          # panel refreshed
    actions = page.locator("#actions")
    expect(actions.get_by_role("heading", name="登记发布")).to_be_visible()
    expect(actions.get_by_label("发布日期")).to_have_value(local_today().isoformat())
    screenshot(page, "12-document-view-publish-form")

    # A link without http(s):// is refused in place, with one clear message, the input kept.
    bangong.mark()
    actions.get_by_label("发布渠道").select_option(label="门户网站政府信息公开专栏")
    actions.get_by_label("链接").fill(URL.removeprefix("https://"))
    with page.expect_response(lambda r: r.url.endswith("/publish")) as refused:
        actions.get_by_role("button", name="登记为已发布").click()
    assert refused.value.status == 422
    actions = page.locator("#actions")
    expect(actions.locator(".error-box")).to_have_text("请更正发布登记中的错误。")
    expect(actions.locator(".field-error")).to_have_text(["请填写以 http:// 或 https:// 开头的完整链接。"])
    expect(actions.get_by_label("发布渠道")).to_have_value("portal")
    expect(actions.get_by_label("链接")).to_have_value(URL.removeprefix("https://"))
    expect(actions.locator(".state-line .badge")).to_have_text("待发布")
    assert bangong.marker_survived()
    screenshot(page, "12b-document-view-publish-error")
    page.locator("#actions").get_by_label("链接").fill(URL)
    with page.expect_response(lambda r: r.url.endswith("/publish")) as published:
        page.locator("#actions").get_by_role("button", name="登记为已发布").click()
    assert published.value.status == 200
    actions = page.locator("#actions")
    expect(actions.locator(".flash-success")).to_have_text(f"已登记发布：{TITLE}")
    expect(actions.locator(".state-line .badge")).to_have_text("已发布")
    assert bangong.marker_survived(), "登记发布 reloaded the page"
    page.reload()
    expect(page.locator(".facts")).to_contain_text(URL)
    expect(page.locator("#paper .paper-annotation")).to_have_text(ANNOTATION)

    # It has left the queue for 最近发布.
    page.locator(".mainnav").get_by_role("link", name="发布队列").click()
    expect(page.locator("#publish-queue tbody tr").filter(has_text=TITLE)).to_have_count(0)
    expect(page.locator("table.grid").last).to_contain_text(TITLE)

    # 6. The history shows every step, who took it, and the comments.
    page.goto(doc_url)
    page.get_by_role("link", name=re.compile("查看流转记录")).click()
    events = page.locator("#events tbody tr")
    expect(events).to_have_count(8)
    expected = [("张明（拟稿人）", "起草"), ("张明（拟稿人）", "提交"), ("刘芳（办公室）", "审核通过"),
                ("王强（分管领导）", "分管领导审签同意"), ("陈建国（主要负责人）", "主要负责人签发"),
                ("刘芳（办公室）", "登记编目信息"), ("刘芳（办公室）", "保密审查通过"),
                ("刘芳（办公室）", "登记发布")]
    for i, (who, what) in enumerate(expected):
        expect(events.nth(i).locator("td").nth(1)).to_have_text(who)
        expect(events.nth(i).locator("td").nth(2)).to_have_text(what)
    expect(events.nth(3)).to_contain_text("同意，拟主动公开。")
    expect(events.nth(7)).to_contain_text("发布于门户网站政府信息公开专栏")
    screenshot(page, "13-history")

    # The drafter finds it under 已办结, published.
    page = nigao.page
    nigao.goto("/documents/?list=done")
    row = page.locator("#worklist tbody tr").filter(has_text=TITLE)
    expect(row.locator(".badge")).to_have_text("已发布")


def test_admin_sees_users_and_divisions(open_session):
    admin = open_session("admin")
    page = admin.page
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("heading", name="用户与科室")).to_be_visible()
    row = page.locator("table.grid tbody tr").filter(has=page.get_by_role("cell", name="fenguan", exact=True))
    expect(row.locator("td").nth(4)).to_have_text("建设管理科、政策法规科、综合规划科")
    expect(page.locator("table.grid tbody tr")).to_have_count(7)
    screenshot(page, "14-admin-users")


def test_portal_publication_without_link_is_refused(open_session):
    bangong = open_session("bangong")
    page = bangong.page
    page.locator(".mainnav").get_by_role("link", name="发布队列").click()
    row = page.locator("#publish-queue tbody tr").filter(
        has_text="关于印发《泉州市交通运输局政务公开工作实施细则》的通知")
    row.get_by_role("link", name="登记发布").click()
    actions = page.locator("#actions")
    actions.get_by_label("发布渠道").select_option(label="门户网站政府信息公开专栏")
    with page.expect_response(lambda r: r.url.endswith("/publish")) as response:
        actions.get_by_role("button", name="登记为已发布").click()
    expect(page.locator("#actions .field-error")).to_have_text(
        "发布到门户网站的，须填写网页链接。", timeout=2_000)
    assert response.value.status == 422
