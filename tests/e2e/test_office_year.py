"""The office's year in a real browser: the 定期评估审查 screen (what is due, by division), an
outcome recorded with its reason, a conversion signed by the principal into the publishing
queue; and the notification bell (消息) with its unread count, marked read in place."""
import re

import pytest

from .conftest import expect, screenshot

pytestmark = pytest.mark.e2e

OVERDUE = "关于某物流公司超限运输车辆通行许可申请的答复函"
FLAGGED = "关于申请安排普通国省道养护专项资金的请示"
TO_PROACTIVE = "关于城市公交线网优化调整方案征求意见情况的报告"
KEEP_REASON = "答复函仅涉及个别企业的申请事项，公众无普遍需求，维持依申请公开。"


def bell_count(page):
    match = re.search(r"，(\d+)条未读", page.locator("#bell").get_attribute("aria-label"))
    return int(match.group(1)) if match else 0


def test_the_office_re_reviews_what_is_due(open_session):
    bangong = open_session("bangong")
    page = bangong.page
    page.locator(".mainnav").get_by_role("link", name="定期评估审查").click()
    expect(page.get_by_role("heading", name="定期评估审查", exact=True)).to_be_visible()
    # by division, each with its overdue count; the overdue document first in its division
    summary = page.locator("#re-review-summary tbody tr").filter(has_text="运输管理科")
    expect(summary.locator("a.overdue")).to_have_text(re.compile(r"[1-9]"))
    row = page.locator("#re-review-list tr").filter(has_text=OVERDUE)
    expect(row.locator(".due.overdue")).to_contain_text("已逾期")
    flagged = page.locator("#re-review-list tr").filter(has_text=FLAGGED)
    expect(flagged.locator(".return-note")).to_have_text("所准备的决定“关于下达2026年普通国省道养护专项资金的批复”已公开")
    expect(page.locator("#conversions")).to_contain_text(TO_PROACTIVE)
    expect(page.locator("#conversions")).to_contain_text("转为删减后公开·标注删减内容")
    screenshot(page, "30-re-review-screen", full_page=True)

    row.get_by_role("link", name=re.compile("评估审查")).click()
    expect(page.get_by_role("heading", name=f"定期评估审查：{OVERDUE}")).to_be_visible()
    form = page.locator("#re-review-form")
    expect(form.get_by_role("button", name="转为删减后公开")).to_be_visible()    # 依申请公开 may
    screenshot(page, "31-re-review-document", full_page=True)
    # A boilerplate reason is refused in place, what was typed kept.
    form.get_by_label("评估理由").fill("维持")
    form.get_by_role("button", name="维持原公开属性").click()
    expect(page.locator(".error-box")).to_contain_text("评估理由过于笼统")
    expect(page.locator("#re-review-form .field-error")).to_contain_text("评估理由过于笼统")
    expect(page.get_by_label("评估理由")).to_have_value("维持")
    expect(page.locator(".error-box")).to_be_focused()
    page.get_by_label("评估理由").fill(KEEP_REASON)
    page.locator("#re-review-form").get_by_role("button", name="维持原公开属性").click()
    expect(page.locator(".flash-success")).to_contain_text("下次评估审查日期为")
    expect(page.locator("#re-review-list")).not_to_contain_text(OVERDUE)


def test_the_principal_signs_a_conversion_into_the_publishing_queue(open_session):
    zhuyao = open_session("zhuyao")
    page = zhuyao.page
    expect(page.locator("#worklist .tab.active")).to_contain_text("待我签发")
    page.locator("#worklist").get_by_role("link", name=TO_PROACTIVE).click()
    actions = page.locator("#actions")
    expect(actions.locator(".badge")).to_have_text("转为公开·主要负责人签发")
    expect(actions.get_by_role("button", name="不同意转为公开（维持原公开属性）")).to_be_visible()
    screenshot(page, "32-conversion-principal")
    zhuyao.mark()
    actions.locator("textarea[name=comment]").fill("同意转为主动公开。")
    actions.get_by_role("button", name="主要负责人签发", exact=True).click()
    expect(page.locator("#actions .badge")).to_have_text("待发布")
    assert zhuyao.marker_survived()

    bangong = open_session("bangong")
    bangong.goto("/publishing/")
    expect(bangong.page.locator("#publish-queue")).to_contain_text(TO_PROACTIVE)


def test_the_bell_counts_and_marks_read_in_place(open_session):
    nigao = open_session("nigao")
    page = nigao.page
    bell = page.get_by_role("link", name=re.compile(r"^消息，\d+条未读$"))
    expect(bell).to_be_visible()
    before = bell_count(page)
    assert before >= 2
    screenshot(page, "33-bell")
    bell.click()
    expect(page.get_by_role("heading", name="消息", exact=True)).to_be_visible()
    items = page.locator("#notifications .notice.unread")
    expect(items).to_have_count(before)
    expect(page.locator("#notifications")).to_contain_text("退回拟稿人：请补充各渠道公开数量的统计口径说明后再报。")
    expect(page.locator("#notifications")).to_contain_text("报送办公室已超期")
    screenshot(page, "34-notifications", full_page=True)

    nigao.mark()
    first = items.first
    first.get_by_role("button", name=re.compile("标为已读")).click()
    region = page.locator("#notifications")
    expect(region.locator(".flash-success")).to_contain_text("已标为已读")
    expect(region).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("已标为已读")
    expect(page.locator("#notifications .notice.unread")).to_have_count(before - 1)
    expect(page.get_by_role("link", name=re.compile(rf"^消息，{before - 1}条未读$"))).to_be_visible()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_role("link", name="消息，没有未读消息")).to_be_visible()
    assert nigao.marker_survived()
    screenshot(page, "35-notifications-read")
    # a notification links to its document
    page.locator("#notifications .notice a").first.click()
    expect(page.locator("#paper .paper-title")).to_be_visible()


def test_the_record_verifies_and_the_office_pages_through_a_period(open_session):
    admin = open_session("admin")
    page = admin.page
    page.locator(".mainnav").get_by_role("link", name="审计校验").click()
    expect(page.locator("#audit-result")).to_contain_text("记录链完整")
    expect(page.locator("#head-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    screenshot(page, "36-audit-chain")

    bangong = open_session("bangong")
    bangong.goto("/office/history")
    page = bangong.page
    expect(page.get_by_role("heading", name="流转记录（按期间）")).to_be_visible()
    expect(page.locator("#events")).to_contain_text("定期评估审查：转为主动公开")
    expect(page.get_by_role("link", name="Excel（XLSX）")).to_be_visible()
    screenshot(page, "37-period-history")


def test_the_annual_report_links_each_number_to_its_documents(open_session):
    bangong = open_session("bangong")
    page = bangong.page
    page.locator(".mainnav").get_by_role("link", name="年度报告").click()
    expect(page.get_by_role("heading", name="政府信息公开工作年度报告：统计表")).to_be_visible()
    withheld = page.locator("#table-withheld")
    expect(withheld).to_contain_text("6.属于四类过程性信息")
    screenshot(page, "38-annual-report", full_page=True)
    row = withheld.locator("tr").filter(has_text="4.保护第三方合法权益")
    count = int(row.get_by_role("link").inner_text())
    assert count >= 1
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("4.保护第三方合法权益"))).to_be_visible()
    expect(page.locator("table.grid tbody tr")).to_have_count(count)
    expect(page.locator("table.grid")).to_contain_text("关于道路运输从业人员信息核查的函")
    screenshot(page, "39-annual-report-figure")
