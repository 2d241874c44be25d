"""Issue 8, critical: hostile HTML in a table cell's colspan, a redaction span marked inside that
attribute, the document sent up — when the principal merely opened it, htmx posted the sign-off.

Here: the exact payload through the real forms, and the same payload as a row stored by the old
version (spans and all), followed through every page that shows user HTML — the document view
(every role on the path), the redaction page, the history, the office's view with personal data
highlighted, the frozen published text and the public page and feed.  Then a generated corpus
(hypothesis) through clean_body → redacted_html → pii.highlight/redact → safe_html and the
templates that insert user HTML."""
import json
from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.labels import Disclosure, LegalBasis, State
from reviewtool.models import Document, DocumentVersion, Event, RedactionSpan
from reviewtool.publishing import catalogue, pii, redaction
from reviewtool.sanitize import body_text, clean_body, safe_html

from ..conftest import TAGS
from .checks import fragment_problems, page_htmx, page_problems

ID_NUMBER = "11010519491231002X"          # a valid 居民身份证号码: the office's view highlights it


def payload(doc_id):
    """The issue's payload: a cell whose colspan carries a whole htmx sign-off."""
    return (f"<p>关于全市道路运输企业安全生产检查情况的通报。联系人身份证号 {ID_NUMBER}。</p>"
            f"<table><tr><td colspan='a>\" hx-post=\"/review/{doc_id}/principal_sign_off\" "
            f"hx-trigger=\"load\" hx-swap=\"none\" hx-target=\"body\" onmouseover=\"alert(1)\" "
            f"style=\"position:fixed\" data-x=\"'>检查结果：合格</td></tr></table>"
            f"<p>请各单位对照整改。</p>")


# The text the old regex took for body text: a span marked there cut the tag open.
SPAN_INSIDE_ATTRIBUTE = '" hx-post="/review/{id}/principal_sign_off" hx-trigger="load"'


def form(disclosure, body, **extra):
    tags = dict(TAGS[disclosure])
    data = dict(title="关于全市道路运输企业安全生产检查情况的通报", body_html=body,
                **{k: v for k, v in tags.items() if k != "channels"})
    if "channels" in tags:
        data["channels"] = tags["channels"].split(",")
    data.update(extra)
    return data


def assert_safe(response, payload_gone=False):
    """No page problem (checks.py); ``payload_gone``: not even as text (it went with its attribute)."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(True)
    assert page_problems(page) == []
    assert '<div class="user-content" hx-disable>' in page
    if payload_gone:
        assert "principal_sign_off\" hx-trigger" not in page and 'hx-trigger="load"' not in page
    return page


def same_htmx_as_benign(db, users, browser, who, url_of, doc, benign):
    """The page of the hostile document carries exactly the htmx attributes of the same page
    for a harmless document in the same state: nothing from the body became an instruction."""
    viewer = browser(who)
    hostile_page = assert_safe(viewer.get(url_of(doc.id)), payload_gone=True)
    benign_page = assert_safe(viewer.get(url_of(benign.id)))
    assert page_htmx(hostile_page, doc.id) == page_htmx(benign_page, benign.id)


def walk_to_principal(db, users, browser, doc_id):
    assert browser("drafter").post(f"/documents/{doc_id}/submit").status_code == 302
    assert browser("office").post(f"/office/{doc_id}/pass").status_code == 302
    assert browser("head").post(f"/review/{doc_id}/division_sign_off").status_code == 302
    assert db.session.get(Document, doc_id).state == State.PRINCIPAL_REVIEW


def publish(db, users, browser, doc):
    office = browser("office")
    assert office.post(f"/publishing/{doc.id}/confidentiality/pass").status_code == 302
    assert office.post(f"/publishing/{doc.id}/catalogue",
                       {"doc_number": "某交运〔2026〕9号"}).status_code == 302
    for finding in catalogue.findings(db.session.get(Document, doc.id)):
        assert office.post(f"/publishing/{doc.id}/pii", {"kind": finding.kind.value,
                                                          "value": finding.value,
                                                          "decision": "redact"}).status_code == 302
    response = office.post(f"/publishing/{doc.id}/publish", {
        "published_on": date.today().isoformat(), "channel": "portal",
        "url": "https://jtj.example.gov.cn/a.html"})
    assert response.status_code == 302, response.get_data(True)
    return db.session.get(Document, doc.id)


@pytest.mark.parametrize("disclosure", [Disclosure.REDACTED, Disclosure.PROACTIVE])
def test_the_issue_payload_through_the_forms(db, users, browser, make_document, disclosure):
    drafter = browser("drafter")
    created = drafter.post("/documents/new", form(disclosure, payload("0")))
    assert created.status_code == 302
    doc_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    assert drafter.post(f"/documents/{doc_id}/edit", form(disclosure, payload(doc_id))).status_code == 302
    doc = db.session.get(Document, doc_id)
    # Stored: the cell keeps its text, the colspan (not a number) is gone with all it carried.
    assert "检查结果：合格" in doc.body_html and "<td>" in doc.body_html
    for bad in ("hx-", "colspan", "onmouseover", "style", "data-x"):
        assert bad not in doc.body_html
    benign = make_document(State.DRAFT, disclosure, body_html=f"<p>联系人身份证号 {ID_NUMBER}。</p>")

    if disclosure == Disclosure.REDACTED:
        # The span inside the attribute is not body text any more: refused in place.
        refused = drafter.post(f"/documents/{doc_id}/redactions", {
            "text": SPAN_INSIDE_ATTRIBUTE.format(id=doc_id), "basis": LegalBasis.SEPARABLE.value})
        assert refused.status_code == 422 and "正文中没有这段文字" in refused.get_data(True)
        assert drafter.post(f"/documents/{doc_id}/redactions", {
            "text": "检查结果：合格", "basis": LegalBasis.SEPARABLE.value}).status_code == 302
        page = assert_safe(drafter.get(f"/documents/{doc_id}/redactions"))
        assert redaction.MARK in page
        from reviewtool.operations import add_redaction_span
        add_redaction_span(benign, users["drafter"], "联系人", LegalBasis.SEPARABLE.value)
        db.session.commit()

    walk_to_principal(db, users, browser, doc_id)
    walk_to_principal(db, users, browser, benign.id)
    doc = db.session.get(Document, doc_id)
    for who in ("principal", "head", "office", "drafter"):
        same_htmx_as_benign(db, users, browser, who, lambda i: f"/documents/{i}", doc, benign)
    same_htmx_as_benign(db, users, browser, "principal", lambda i: f"/documents/{i}/history", doc, benign)
    # Opening it changed nothing: still waiting for the principal, no sign-off in the trail.
    assert db.session.get(Document, doc_id).state == State.PRINCIPAL_REVIEW
    assert not db.session.query(Event).filter_by(document_id=doc_id, action="principal_sign_off").count()

    # The principal signs it, on purpose.  Queued for publishing (proactive; redacted once
    # 删减后公开 documents are published): the office sees personal data highlighted.
    assert browser("principal").post(f"/review/{doc_id}/principal_sign_off").status_code == 302
    assert browser("principal").post(f"/review/{benign.id}/principal_sign_off").status_code == 302
    doc = db.session.get(Document, doc_id)
    same_htmx_as_benign(db, users, browser, "office", lambda i: f"/documents/{i}", doc, benign)
    same_htmx_as_benign(db, users, browser, "principal", lambda i: f"/documents/{i}", doc, benign)
    if doc.state != State.PUBLISH_QUEUE:
        assert doc.state == State.ARCHIVED and disclosure == Disclosure.REDACTED
        made = catalogue.published_body(doc)             # what publishing it would freeze
        assert fragment_problems(made) == [] and "检查结果：合格" not in made
        return
    office_page = assert_safe(browser("office").get(f"/documents/{doc_id}"))
    assert 'class="pii pii-id_card"' in office_page

    doc = publish(db, users, browser, doc)
    frozen = doc.catalogue.published_body_html
    assert fragment_problems(frozen) == [] and "hx-" not in frozen and ID_NUMBER not in frozen
    if disclosure == Disclosure.PROACTIVE:
        public = browser()
        assert_safe(public.get(f"/gk/{doc_id}"))
        feed = json.loads(public.get("/gk/feed.json").get_data(True))
        (item,) = [i for i in feed["items"] if i["id"] == doc_id]
        assert fragment_problems(item["body_html"]) == []
    else:
        assert "检查结果：合格" not in frozen and redaction.MARK in frozen


def test_the_payload_stored_by_the_old_version_is_harmless_on_every_page(db, users, browser,
                                                                          make_document):
    """A row written before the fix: the raw payload in the body and its versions, and a span
    whose text lies inside the attribute (the old code accepted it).  Output is re-sanitized."""
    doc = make_document(State.PRINCIPAL_REVIEW, Disclosure.REDACTED)
    benign = make_document(State.PRINCIPAL_REVIEW, Disclosure.REDACTED)
    raw = payload(doc.id)
    doc.body_html = raw
    for version in db.session.query(DocumentVersion).filter_by(document_id=doc.id):
        version.body_html = raw
    db.session.add(RedactionSpan(document=doc, text=SPAN_INSIDE_ATTRIBUTE.format(id=doc.id),
                                 basis=LegalBasis.SEPARABLE, created_by=users["drafter"]))
    db.session.commit()
    for who in ("principal", "head", "office", "drafter"):
        same_htmx_as_benign(db, users, browser, who, lambda i: f"/documents/{i}", doc, benign)
    same_htmx_as_benign(db, users, browser, "principal", lambda i: f"/documents/{i}/history", doc, benign)
    assert db.session.get(Document, doc.id).state == State.PRINCIPAL_REVIEW

    copy = redaction.redacted_html(db.session.get(Document, doc.id))
    assert fragment_problems(copy) == []
    for made in (pii.highlight(raw), pii.redact(raw, [ID_NUMBER]), pii.highlight(copy)):
        assert fragment_problems(made) == []
    assert fragment_problems(catalogue.published_body(db.session.get(Document, doc.id))) == []


# --- a generated corpus --------------------------------------------------------------------------
TAG_NAMES = ["p", "td", "th", "tr", "table", "tbody", "span", "div", "b", "strong", "mark", "a",
             "img", "script", "style", "svg", "math", "iframe", "object", "template", "textarea",
             "title", "noscript", "select", "option", "form", "button", "br", "li", "ul", "h2",
             "xmp", "plaintext", "noembed", "base", "meta", "frame", "frameset", "body", "html"]
ATTRIBUTE_NAMES = ["colspan", "rowspan", "hx-post", "hx-get", "hx-trigger", "data-hx-post",
                   "hx-on:click", "hx-on::load", "onclick", "onerror", "onload", "ONMOUSEOVER",
                   "style", "href", "src", "class", "data-kind", "title", "id", "formaction",
                   "xlink:href", "srcdoc", "hx-vals", "hx-headers"]
ATTRIBUTE_VALUES = ["2", "02", "1a", "a>", "a>\" hx-post=\"/review/1/principal_sign_off\" hx-trigger=\"load",
                    "javascript:alert(1)", "JaVaScRiPt&#58;alert(1)", "java\tscript:alert(1)",
                    "&#x6A;avascript:alert(1)", "redaction-mark", "pii pii-id_card", "load",
                    "/review/1/principal_sign_off", "expression(alert(1))", "x' onload='alert(1)",
                    "\"><script>alert(1)</script>", "1e3", "٣", "１", "999", "1000", "-1", ""]
ENTITIES = ["&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&#60;", "&#x3c;", "&#0;", "&#x0;",
            "&lt;script&gt;", "&amp;lt;td colspan=x&amp;gt;", "&nbsp;", "&#x202E;", "&#8203;", "&",
            "&#", "&#x;", "&notanentity;"]
TEXTS = ["检查结果：合格", ID_NUMBER, "13812345678", "6222020200112233445", "■■■", "\"", "'", ">",
         "<", "/", "=", "\u202e", "\u200b", "\x00", "  ", "\n", "]]>", "<!--", "-->", "<![CDATA[",
         "</td>", "</div>", "</textarea>", "<td colspan='", "联系人"]

quote = st.sampled_from(['"', "'", ""])


@st.composite
def attribute(draw):
    name = draw(st.sampled_from(ATTRIBUTE_NAMES))
    value = draw(st.sampled_from(ATTRIBUTE_VALUES) | st.text(max_size=12))
    q = draw(quote)
    return f" {name}={q}{value}{q}" if draw(st.booleans()) else f" {name}"


@st.composite
def markup(draw, depth=0):
    pieces = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5 if depth < 3 else 2))
        if kind == 0:
            pieces.append(draw(st.sampled_from(TEXTS) | st.text(max_size=8)))
        elif kind == 1:
            pieces.append(draw(st.sampled_from(ENTITIES)))
        elif kind == 2:
            pieces.append(draw(st.sampled_from(["<!-- x -->", "</p>", "</td>", "<br/>", "</div>",
                                                "<td", "<p class=", "<![CDATA[x]]>", "<?x?>"])))
        else:
            tag = draw(st.sampled_from(TAG_NAMES))
            attrs = "".join(draw(st.lists(attribute(), max_size=3)))
            inner = draw(markup(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>", "</p>"]))
            pieces.append(f"<{tag}{attrs}>{inner}{close}")
    return "".join(pieces)


def spans_of(text, draw):
    """Pieces of the body text to redact, as a drafter would mark them."""
    spans = []
    for _ in range(draw(st.integers(0, 3))):
        if len(text) < 2:
            break
        a = draw(st.integers(0, len(text) - 1))
        b = draw(st.integers(a + 1, min(len(text), a + 30)))
        spans.append(SimpleNamespace(text=text[a:b], basis=LegalBasis.SEPARABLE))
    return spans


@settings(max_examples=250, deadline=None, derandomize=True)
@given(st.data())
def test_generated_bodies_leave_every_transformation_safe(data):
    raw = data.draw(markup(), label="body")
    cleaned = clean_body(raw)
    assert fragment_problems(cleaned) == [], cleaned
    for body in (cleaned, raw):                       # raw: a row stored by the old version
        spans = spans_of(body_text(body), data.draw)
        doc = SimpleNamespace(body_html=body, active_redaction_spans=spans)
        copy = redaction.redacted_html(doc)
        hits = [h.value for h in pii.scan(body_text(body))]
        for made in (copy, pii.highlight(body), pii.highlight(copy), pii.redact(body, hits),
                     pii.redact(copy, hits + [s.text for s in spans])):
            assert fragment_problems(made) == [], (body, made)
            assert fragment_problems(str(safe_html(made))[len('<div class="user-content" hx-disable>'):-6]) == []


@pytest.fixture
def stage(db, users, make_document):
    """Documents whose bodies the property test replaces: one in the office's publishing queue
    (personal data highlighted), one redacted and signed (the leaders' comparison of original and
    redacted copy), one published (public page and feed), one the drafter is redacting."""
    queued = make_document(State.PUBLISH_QUEUE, Disclosure.PROACTIVE)
    signed = make_document(State.ARCHIVED, Disclosure.REDACTED)
    public = make_document(State.PUBLISH_QUEUE, Disclosure.PROACTIVE)
    public.state, public.published_on, public.published_channel = State.PUBLISHED, date(2026, 11, 20), "portal"
    drafting = make_document(State.DRAFT, Disclosure.REDACTED)
    db.session.commit()
    return queued.id, signed.id, public.id, drafting.id


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=markup())
def test_generated_bodies_through_the_pages_that_insert_user_html(db, users, browser, stage, raw):
    queued_id, signed_id, public_id, drafting_id = stage
    cleaned = clean_body(raw) or "<p>正文</p>"
    text = body_text(cleaned)
    for doc_id, body in ((queued_id, raw), (signed_id, raw), (public_id, cleaned), (drafting_id, cleaned)):
        doc = db.session.get(Document, doc_id)
        doc.body_html = body
        for span in doc.redaction_spans:
            span.text = text[:12] or "正文"
        for version in doc.versions:
            version.body_html = raw
        if doc.state == State.PUBLISHED:
            doc.catalogue.published_body_html = catalogue.published_body(doc)
    db.session.commit()
    office, principal, drafter, public = browser("office"), browser("principal"), browser("drafter"), browser()
    pages = [office.get(f"/documents/{queued_id}"), office.get(f"/documents/{queued_id}/history"),
             principal.get(f"/documents/{signed_id}"), principal.get(f"/documents/{signed_id}/history"),
             drafter.get(f"/documents/{drafting_id}/redactions"), drafter.get(f"/documents/{drafting_id}"),
             public.get(f"/gk/{public_id}")]
    for response in pages:
        assert_safe(response)
    feed = json.loads(public.get("/gk/feed.json").get_data(True))
    for item in feed["items"]:
        assert fragment_problems(item["body_html"] or "") == []


@pytest.mark.parametrize("made", [
    '<table><tr><td colspan="a" hx-post="/review/1/principal_sign_off" hx-trigger="load">x</td></tr></table>',
    '<td colspan=\'a>" hx-post="/review/1/principal_sign_off" hx-trigger="load"\'>x</td>',
    '<p onclick="alert(1)">x</p>', '<p style="position:fixed">x</p>', '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<p>x</div><div hx-get="/x" hx-trigger="load">', '<p><b>x</p></b>', '<script>alert(1)</script>',
    '<span class="user-content">x</span>', '<td colspan="1000">x</td>',
])
def test_the_checks_catch_what_the_old_code_let_through(made):
    """The checks above can fail: each of these (what a regex over markup produced, and worse)
    is reported."""
    assert fragment_problems(made) != []


@pytest.mark.parametrize("body", ["<html></html>", "<HTML>", "<html><head></head></html>",
                                  "<html><!-- x --></html>"])
def test_a_document_shell_without_a_body_is_kept_as_text_not_a_crash(body):
    """lxml refuses "<html></html>" (a document with no body) with an AssertionError: the
    cleaning takes it as the text it is."""
    from html import escape
    assert clean_body(body) == f"<p>{escape(body, quote=False)}</p>"
    assert body_text(body) == ""
