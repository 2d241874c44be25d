"""The recognition of a 公文's parts in the ways bureaus write them, read straight from .docx files
built here (no app needed): a date in Chinese numerals, a title that is not centred, the 版记 in a
table, the 印发 line without a space, the heading levels and their fonts' reach."""
from datetime import date

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from reviewtool.gongwen import docx_in, parts

from . import docx_samples as S


def build(*lines, imprint_table=None):
    document = docx.Document()
    for line in lines:
        p = document.add_paragraph(line.lstrip("^"))
        if line.startswith("^"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if imprint_table:
        table = document.add_table(rows=len(imprint_table), cols=1)
        for row, text in zip(table.rows, imprint_table):
            row.cells[0].text = text
    return S.save(document)


def test_a_plain_notice_with_a_chinese_numeral_date_and_the_imprint_in_a_table():
    data = build("关于做好春运期间道路客运安全工作的通知", "各县（市、区）交通运输局：",
                 "为做好春运期间道路客运安全工作，现就有关事项通知如下。", "一、加强组织领导",
                 "某市交通运输局", "二〇二六年一月十二日",
                 imprint_table=["抄送：市应急管理局。", "某市交通运输局办公室2026年1月12日印发"])
    found = docx_in.read(data, "春运.docx")
    assert found.fields["title"] == "关于做好春运期间道路客运安全工作的通知"        # not centred: 关于…通知
    assert found.fields["main_recipients"] == "各县（市、区）交通运输局"
    assert found.fields["signature"] == "某市交通运输局"
    assert found.fields["signed_on"] == date(2026, 1, 12)
    assert found.fields["cc"] == "市应急管理局"
    assert found.fields["printed_by"] == "某市交通运输局办公室"
    assert found.fields["printed_on"] == date(2026, 1, 12)
    assert "issuer_mark" not in found.fields and "doc_number" not in found.fields
    assert "一、加强组织领导" in found.body_html and "二〇二六" not in found.body_html


def test_what_is_not_recognized_stays_in_the_body_in_order():
    data = build("会议纪要", "时间：2026年3月2日上午", "地点：局三楼会议室", "出席：略")
    found = docx_in.read(data, "纪要.docx")
    assert found.fields["title"] == "会议纪要"
    assert "signed_on" not in found.fields
    assert found.body_html == "<p>时间：2026年3月2日上午</p><p>地点：局三楼会议室</p><p>出席：略</p>"


def test_a_file_without_a_title_is_named_after_the_file():
    found = docx_in.read(build("请各单位于3月底前报送材料。"), "报送材料的通知.docx")
    assert found.fields["title"] == "报送材料的通知"
    assert "未识别出标题" in "".join(found.notes)
    assert "请各单位于3月底前报送材料。" in found.body_html


def test_heading_levels_and_how_far_a_heading_reaches():
    assert [parts.heading_level(t) for t in ("一、总体要求", "（二）基本原则", "3.工作要求", "（4）其他",
                                              "(五)半角括号", "2026年工作", "1.5万元", "正文")] == [1, 2, 3, 4, 2, 0, 0, 0]
    assert parts.heading_length("（一）指导思想。认真贯彻落实") == len("（一）指导思想。")
    assert parts.heading_length("一、总体要求") == len("一、总体要求")


def test_dates_and_widths():
    assert parts.parse_cn_date("二〇二〇年十二月三十一日") == date(2020, 12, 31)
    assert parts.parse_cn_date("2020年2月30日") is None
    assert parts.cn_date(date(2026, 4, 6)) == "2026年4月6日"
    # 7 em of 署名 over a 6.5 em date: the date 2 em from the right, the 署名 starting 2 em left of it
    assert parts.signature_indents("某市交通运输局", "2026年4月16日") == (3.5, 2.0)
    # 10 em over 6: the 署名 2 em from the right, the date starting 2 em right of its first character
    assert parts.signature_indents("某市交通运输局办公室", "2026年4月1日") == (2.0, 4.0)
