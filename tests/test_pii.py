"""The personal-data scan: ID numbers, mobiles and bank cards found; 文号, index numbers, dates not."""
import pytest

from reviewtool.publishing.pii import REDACTION, highlight, id_check_ok, is_id_number, luhn_ok, redact, scan

ID = "11010519491231002X"          # the GB 11643 sample: check character X
ID2 = "35050219900101123X"
CARD = "6212260200000000006"       # 19 digits, Luhn-valid
MOBILE = "13812345678"


def kinds(text):
    return [(h.kind, h.value) for h in scan(text)]


def test_id_number_check_digit_and_birth_date():
    assert id_check_ok(ID) and is_id_number(ID) and is_id_number(ID.lower().upper())
    assert not id_check_ok(ID[:-1] + "1")                        # wrong check character
    assert not is_id_number("11010519491331002" + "X")           # month 13: no such birth date
    assert kinds(f"身份证号：{ID}。") == [("id_card", ID)]
    assert kinds(f"身份证号：{ID[:-1]}1。") == []                  # fails MOD 11-2, fails Luhn too


@pytest.mark.parametrize("text, expected", [
    (f"联系电话：{MOBILE}。", [("mobile", MOBILE)]),
    ("联系电话：138 1234 5678。", [("mobile", "138 1234 5678")]),
    ("联系电话：138-1234-5678。", [("mobile", "138-1234-5678")]),
    (f"编号{MOBILE}012", []),                                     # inside a longer run of digits
    (f"账号：{CARD}", [("bank_card", CARD)]),
    ("卡号 4111 1111 1111 1111 已停用", [("bank_card", "4111 1111 1111 1111")]),
    (f"账号：{CARD[:-1]}1", []),                                   # fails Luhn
    (f"身份证{ID2}", [("id_card", ID2)]),                          # an ID is never a bank card
])
def test_hits(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    "泉交办〔2020〕19号", "索引号：QZ00120-0204-2020-00108", "2020-06-28", "20200628", "2020年6月28日",
    "053533505/2021-00106", "服务监督电话12328", "12345政务平台", "电话0595-22500000",
    "投资13812345678.5万元", "文件编号 CN13812345678", "第13812345678-1号",
])
def test_no_false_hits(text):
    assert scan(text) == []


def test_luhn():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_highlight_and_redact_touch_text_only():
    body = f'<p>联系人张三，手机{MOBILE}，身份证{ID}。</p><p><strong>泉交办〔2020〕19号</strong></p>'
    marked = highlight(body)
    assert f'<mark class="pii pii-mobile" data-kind="mobile" title="疑似个人信息">{MOBILE}</mark>' in marked
    assert 'data-kind="id_card"' in marked and marked.count("<mark") == 2
    cut = redact(body, [MOBILE, ID])
    assert MOBILE not in cut and ID not in cut and cut.count(REDACTION) == 2
    assert '<p><strong>泉交办〔2020〕19号</strong></p>' in cut


def test_redact_a_number_split_by_markup_falls_back_to_plain_text():
    body = "<p>手机<strong>138</strong>12345678</p>"
    cut = redact(body, ["13812345678"])
    assert "138" not in cut.replace(REDACTION, "") and REDACTION in cut
