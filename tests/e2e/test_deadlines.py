"""Deadlines in a real browser: the office's overdue dashboard and the urgent post-hoc review."""
import pytest

from .conftest import expect, screenshot

pytestmark = pytest.mark.e2e

URGENT = "关于春运期间客运站临时交通管制的紧急通知"


def test_overdue_dashboard_and_urgent_review(open_session):
    bangong = open_session("bangong")
    page = bangong.page
    page.locator(".mainnav").get_by_role("link", name="统计与超期").click()
    expect(page.get_by_role("heading", name="统计与超期")).to_be_visible()
    screenshot(page, "15-office-dashboard", full_page=True)
    # The seeded urgent document's review is overdue: its count links to the filtered list.
    row = page.locator("#overdue-table tbody tr").filter(has_text="运输管理科")
    row.locator("a.overdue").first.click()
    expect(page.get_by_role("heading", name="公文查询")).to_be_visible()
    expect(page.locator("#documents")).to_contain_text(URGENT)
    expect(page.locator("#documents .due.overdue").first).to_contain_text("已超期")
    # Changing a filter swaps the list in place.
    bangong.mark()
    page.locator("select[name=state]").select_option("archived")
    expect(page.locator("#documents")).not_to_contain_text(URGENT)
    assert bangong.marker_survived()
    screenshot(page, "16-office-filtered-list")

    nigao2 = open_session("nigao2")
    page = nigao2.page
    page.locator("#worklist").get_by_role("link", name=URGENT).click()
    expect(page.locator("#clocks")).to_contain_text("紧急件事后公开审查")
    expect(page.locator("#actions .badge")).to_have_text("已签发·待补公开审查")
    screenshot(page, "17-urgent-review-pending")
    page.get_by_role("link", name="补充公开属性审查").click()
    expect(page.get_by_label("标题")).to_have_count(0)           # the signed content is not editable
    with page.expect_response(lambda r: r.url.endswith("/documents/disclosure-fields")):
        page.get_by_label("主动公开").check()        # the swap must land before the channel is ticked
    page.get_by_label("门户网站政府信息公开专栏").check()
    page.get_by_role("button", name="报送公开属性审查").click()
    expect(page.locator(".flash-success")).to_have_text("已报送公开属性审查，等待分管领导审签。")
    expect(page.locator("#actions .badge")).to_have_text("公开审查·分管领导审签")
    expect(page.locator("#clocks")).to_contain_text("分管领导")
