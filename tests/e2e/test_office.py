"""The office's check queue in a real browser: untagged documents flagged, 退文 one by one and in bulk."""
import re

import pytest
from .conftest import expect, screenshot

pytestmark = pytest.mark.e2e

LEGACY_ONE = "关于进一步规范工程建设项目信息公开的通知"
LEGACY_TWO = "关于做好春运期间道路客运安全工作的通知"
TAGGED = "关于某客运公司线路经营调整申请的复函"
RETURN_NOTE = "请标注公开属性；如不主动公开，请写明法律依据和具体理由后重新报送。"


def queue_row(page, title):
    return page.locator("#office-queue tbody tr").filter(has_text=title)


def nav_count(page, label):
    """The number beside a work list in the top navigation."""
    return int(page.locator(".mainnav a").filter(has_text=label).locator(".count").inner_text())


def test_office_returns_untagged_documents(open_session):
    bangong = open_session("bangong")
    page = bangong.page
    expect(page.locator(".who")).to_contain_text("刘芳（办公室）")
    expect(page.locator("#worklist .tab.active")).to_contain_text("待审核")
    screenshot(page, "05-worklist-office")

    page.locator(".mainnav").get_by_role("link", name="审核队列").click()
    expect(page.get_by_role("heading", name="办公室审核队列")).to_be_visible()
    # The two documents migrated without a tag are flagged; the tagged one is not.
    for title in (LEGACY_ONE, LEGACY_TWO):
        row = queue_row(page, title)
        expect(row).to_have_class(re.compile(r"\bflagged\b"))
        expect(row.locator(".attr-missing")).to_have_text("未标注")
        expect(row.locator(".flag")).to_have_text("须退文：未标注公开属性。")
    expect(queue_row(page, TAGGED).locator(".ok")).to_have_text("符合要求")
    toolbar = page.locator("#office-queue .toolbar")
    expect(toolbar).to_contain_text(re.compile(r"其中须退文\s*2\s*件"))
    expect(toolbar.get_by_role("button")).to_have_text("一键退回未标注公文（2）")
    screenshot(page, "06-office-queue")

    # One by one: open the document, 退文 from its action panel.
    queue_row(page, LEGACY_ONE).get_by_role("link", name="审核").click()
    expect(page.locator("#paper .paper-title")).to_have_text(LEGACY_ONE)
    actions = page.locator("#actions")
    expect(actions.locator(".badge")).to_have_text("办公室审核")
    expect(actions.get_by_role("button", name="审核通过")).to_be_visible()
    expect(actions.get_by_role("button", name="退文")).to_be_visible()
    screenshot(page, "07-document-view-office-actions")

    waiting = nav_count(page, "待审核")
    bangong.mark()
    # 审核通过 is refused: the rule says an untagged document must be returned.
    actions.get_by_role("button", name="审核通过").click()
    expect(page.locator("#actions .error-box")).to_contain_text("应予退文：未标注公开属性。")
    # 退文 without a comment is refused, in place.
    page.locator("#actions").get_by_role("button", name="退文").click()
    expect(page.locator("#actions .error-box")).to_have_text("退文须填写意见。")
    expect(page.locator("#actions .badge")).to_have_text("办公室审核")
    # With a comment it goes through: the panel is swapped in place.
    page.locator("#actions textarea[name=comment]").fill(RETURN_NOTE)
    with page.expect_response(lambda r: r.url.endswith("/return")) as returned:
        page.locator("#actions").get_by_role("button", name="退文").click()
    assert returned.value.status == 200
    actions = page.locator("#actions")
    expect(actions.locator(".flash-success")).to_have_text(f"已退文：{LEGACY_ONE}")
    expect(actions.locator(".badge")).to_have_text("已退回")
    expect(actions).to_contain_text("刘芳 退文")
    expect(actions).to_contain_text("当前无需您处理。")
    # The top navigation's count came along with the swap.
    expect(page.locator(".mainnav a").filter(has_text="待审核").locator(".count")).to_have_text(
        str(waiting - 1))
    assert bangong.marker_survived(), "退文 reloaded the page instead of swapping the panel"
    page.reload()
    expect(page.locator(".comments")).to_contain_text(RETURN_NOTE)

    # The rest in bulk, from the queue: confirm dialog, then the queue is swapped in place.
    page.locator(".mainnav").get_by_role("link", name="审核队列").click()
    expect(queue_row(page, LEGACY_ONE)).to_have_count(0)
    expect(page.locator("#office-queue .toolbar").get_by_role("button")).to_have_text(
        "一键退回未标注公文（1）")
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    bangong.mark()
    page.locator("#office-queue .toolbar input[name=comment]").fill("春运前请尽快补标后重报。")
    page.get_by_role("button", name="一键退回未标注公文（1）").click()
    queue = page.locator("#office-queue")
    expect(queue.locator(".flash-success")).to_have_text("已退文 1 件未标注或理由不合规的公文。")
    assert dialogs == ["确定将 1 件未标注或理由不合规的公文全部退回拟稿人吗？"]
    expect(queue_row(page, LEGACY_TWO)).to_have_count(0)
    expect(queue.locator(".toolbar")).to_contain_text(re.compile(r"其中须退文\s*0\s*件"))
    expect(queue.get_by_role("button", name=re.compile("一键退回"))).to_have_count(0)
    expect(queue_row(page, TAGGED)).to_have_count(1)
    in_queue = page.locator("#office-queue tbody tr").count()
    expect(queue.locator(".toolbar")).to_contain_text(f"待审核 {in_queue} 件")
    expect(page.locator(".mainnav a").filter(has_text="待审核").locator(".count")).to_have_text(
        str(in_queue))
    assert bangong.marker_survived(), "the bulk return reloaded the page"
    screenshot(page, "06b-office-queue-after-bulk-return")

    # The drafter of the bulk-returned document finds it under 待我修改, with the office's note.
    nigao2 = open_session("nigao2")
    page2 = nigao2.page
    expect(page2.locator("#worklist .tab.active")).to_contain_text("待我修改")
    page2.locator("#worklist").get_by_role("link", name=LEGACY_TWO).click()
    expect(page2.locator(".comments")).to_contain_text("退文：未标注公开属性。 春运前请尽快补标后重报。")
    expect(page2.locator("#actions").get_by_role("link", name="修改公文")).to_be_visible()
