"""The document view prints as the portal shows an entry: metadata, title, body, 附注."""
from reviewtool.labels import ANNOTATION_PROACTIVE, State


def test_queued_document_page_carries_catalogue_metadata_in_the_printed_paper(db, users, browser,
                                                                               make_document):
    doc = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕12号")
    page = browser("office").get(f"/documents/{doc.id}").get_data(True)
    paper = page[page.index('id="paper"'):page.index('<aside')]      # what @media print keeps
    for text in ("索引号", doc.catalogue.index_no, "发布机构", "公文生成日期", "主题分类",
                 "某交办〔2026〕12号", doc.title, ANNOTATION_PROACTIVE):
        assert text in paper
    response = browser("office").get("/static/style.css")
    css = response.get_data(True)
    response.close()
    assert "@media print" in css and ".side" in css.split("@media print")[1].split("}")[0]
