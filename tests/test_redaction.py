"""删减后公开: the drafter marks spans to remove, submit needs one, leaders see both texts, and the
original text of a redacted document never reaches a public page, the feed or an export."""
import json
import re
from datetime import date

import pytest

from reviewtool.publishing import catalogue
from reviewtool.labels import Disclosure, LegalBasis, State
from reviewtool.models import Document, RedactionSpan
from reviewtool.publishing.redaction import redacted_html
from reviewtool.sanitize import body_text
from reviewtool.errors import Invalid
from reviewtool.workflow import perform

SECRET = "某某运输公司负责人王五"
BODY = (f"<p>经检查，{SECRET}未按规定开展安全培训，已责令整改。</p>"
        "<p>各运输企业要<strong>举一反三</strong>，切实落实安全生产主体责任。</p>")
MARK = "■■■（依据：第十五条）"


def reload(db, doc_id):
    db.session.expire_all()
    return db.session.get(Document, doc_id)


def draft(make_document, **fields):
    return make_document(State.DRAFT, Disclosure.REDACTED, body_html=BODY, **fields)


def add(client, doc, text, basis=LegalBasis.THIRD_PARTY.value, **kw):
    return client.post(f"/documents/{doc.id}/redactions", {"text": text, "basis": basis}, **kw)


def copy_column(page):
    return re.search(r'id="redacted-copy">(.*?)</div>', page, re.S).group(1)


def test_a_span_not_in_the_body_is_refused_in_place(db, users, browser, make_document):
    doc = draft(make_document)
    drafter = browser("drafter")
    assert drafter.get(f"/documents/{doc.id}/redactions").status_code == 200
    refused = add(drafter, doc, "正文里没有的一句话")
    page = refused.get_data(True)
    assert refused.status_code == 422
    assert "正文中没有这段文字" in page and "正文里没有的一句话</textarea>" in page   # input kept
    refused = add(drafter, doc, SECRET, basis="")
    assert refused.status_code == 422 and "请从列表中选择删减的法律依据" in refused.get_data(True)
    refused = add(drafter, doc, SECRET, basis=LegalBasis.NOT_PROACTIVE_SCOPE.value)
    assert refused.status_code == 422                     # 依申请公开's basis cannot justify a cut
    assert db.session.query(RedactionSpan).count() == 0

    assert add(drafter, doc, SECRET).status_code == 302
    span = db.session.query(RedactionSpan).one()
    assert (span.text, span.basis, span.created_by.username, span.withdrawn_at) == (
        SECRET, LegalBasis.THIRD_PARTY.value, "drafter", None)
    assert add(drafter, doc, SECRET).status_code == 422                        # marked already


@pytest.mark.parametrize("who", ["colleague", "head", "office"])
def test_only_the_drafter_marks_spans(db, users, browser, make_document, who):
    doc = make_document(State.OFFICE_CHECK, Disclosure.REDACTED, body_html=BODY)
    assert add(browser(who), doc, SECRET).status_code == 403          # they see it, may not mark it
    assert add(browser("drafter"), doc, SECRET).status_code == 403            # no longer editable


def test_submit_without_an_active_span_is_refused(db, users, browser, make_document):
    doc = draft(make_document)
    drafter = browser("drafter")
    refused = drafter.post(f"/documents/{doc.id}/submit", htmx=True)
    assert refused.status_code == 422 and "删减标注" in refused.get_data(True)
    with pytest.raises(Invalid) as error:
        perform(reload(db, doc.id), "submit", users["drafter"])
    assert "redactions" in error.value.problems
    db.session.rollback()

    add(drafter, doc, SECRET)
    span = db.session.query(RedactionSpan).one()
    assert drafter.post(f"/documents/{doc.id}/redactions/{span.id}/withdraw").status_code == 302
    span = db.session.query(RedactionSpan).one()                             # kept, withdrawn
    assert span.withdrawn_at is not None
    assert drafter.post(f"/documents/{doc.id}/submit").status_code == 422
    assert reload(db, doc.id).state == State.DRAFT.value

    add(drafter, doc, SECRET)
    assert drafter.post(f"/documents/{doc.id}/submit").status_code == 302
    assert reload(db, doc.id).state == State.OFFICE_CHECK.value


def test_a_span_the_body_no_longer_has_blocks_submit(db, users, browser, make_document):
    doc = draft(make_document)
    drafter = browser("drafter")
    add(drafter, doc, SECRET)
    doc = reload(db, doc.id)
    doc.body_html = "<p>经检查，有关企业已整改。</p>"
    db.session.commit()
    refused = drafter.post(f"/documents/{doc.id}/submit", htmx=True)
    assert refused.status_code == 422 and "在正文中已找不到" in refused.get_data(True)


def test_the_redacted_copy_hides_the_text_and_leaders_see_both(db, users, browser, make_document):
    doc = draft(make_document)
    drafter = browser("drafter")
    add(drafter, doc, SECRET)
    add(drafter, doc, "举一反三", basis=LegalBasis.SEPARABLE.value)
    copy = redacted_html(reload(db, doc.id))
    assert SECRET not in copy and "举一反三" not in copy
    assert f"经检查，<span class=\"redaction-mark\">{MARK}</span>未按规定" in copy
    assert "■■■（依据：第三十七条）" in copy and "<strong>" in copy              # markup kept
    assert SECRET in reload(db, doc.id).body_html                             # the record is unchanged

    assert drafter.post(f"/documents/{doc.id}/submit").status_code == 302
    perform(reload(db, doc.id), "office_pass", users["office"])
    db.session.commit()
    page = browser("head").get(f"/documents/{doc.id}").get_data(True)
    assert 'id="redaction-compare"' in page and "删减后公开文本" in page
    assert MARK in copy_column(page) and SECRET not in copy_column(page)
    assert SECRET in page                                                     # the original column


def test_a_span_across_markup_or_paragraphs_is_still_removed(db, users, browser, make_document):
    doc = draft(make_document)
    drafter = browser("drafter")
    assert add(drafter, doc, "要举一反三").status_code == 302                     # half in bold
    assert add(drafter, doc, "已责令整改。\n\n各运输企业").status_code == 302       # two paragraphs
    text = body_text(redacted_html(reload(db, doc.id)))
    assert "举一反三" not in text and "各运输企业" not in text and text.count("■■■") == 2


def published_redacted(db, users, make_document):
    """Redacted documents are archived by the workflow; publish one directly, as if it were."""
    doc = make_document(State.ARCHIVED, Disclosure.REDACTED, body_html=BODY,
                        doc_number="某交运〔2026〕8号")
    db.session.add(RedactionSpan(document_id=doc.id, text=SECRET, basis=LegalBasis.THIRD_PARTY.value,
                                 created_by_id=users["drafter"].id))
    db.session.flush()
    db.session.expire(doc, ["redaction_spans"])
    entry = catalogue.assign(doc)
    doc.state, doc.published_on, doc.published_channel = State.PUBLISHED.value, date(2026, 11, 20), "portal"
    entry.published_body_html = catalogue.published_body(doc)              # the frozen text
    db.session.commit()
    return reload(db, doc.id)


def test_the_original_never_reaches_public_pages_feed_or_exports(db, users, browser, make_document,
                                                                 app):
    doc = published_redacted(db, users, make_document)
    frozen = doc.catalogue.published_body_html
    assert SECRET not in frozen and MARK in frozen
    public = browser()
    pages = [public.get("/gk/"), public.get(f"/gk/{doc.id}"), public.get("/gk/feed.json"),
             public.get(f"/gk/?q={doc.doc_number}")]
    office = browser("office")
    pages += [office.get(f"/publishing/export.{fmt}") for fmt in ("json", "csv")]
    for response in pages:
        assert response.status_code in (200, 404)
        assert SECRET not in response.get_data(True)
    feed = json.loads(public.get("/gk/feed.json").get_data(True))
    for item in feed["items"]:
        assert SECRET not in (item.get("body_html") or "")
