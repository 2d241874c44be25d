"""Issue 8: “Limits: a configurable maximum body size (MAX_CONTENT_LENGTH, 5 MB default) answered
with a clear Chinese 413 in place; comments over the limit refused in place, not silently cut.”"""
from reviewtool.labels import State
from reviewtool.models import Document

SIX_MB = "x" * (6 * 1024 * 1024)


def new_document(body):
    return dict(title="关于开展交通运输政务公开培训的通知", body_html=body, disclosure="proactive",
                channels=["portal"])


def test_a_body_over_the_limit_is_a_chinese_413(db, users, browser):
    drafter = browser("drafter")
    response = drafter.post("/documents/new", new_document(SIX_MB))
    page = response.get_data(True)
    assert response.status_code == 413 and "超过了 5 MB 的上限" in page and "后退" in page
    assert db.session.query(Document).count() == 0
    assert drafter.get("/documents/").status_code == 200          # still signed in, nothing broken


def test_an_htmx_post_over_the_limit_shows_in_the_page_error_region(db, users, browser):
    """In place: the answer goes to #request-error, so the form being filled in stays as it is."""
    drafter = browser("drafter")
    response = drafter.post("/documents/new", new_document(SIX_MB), htmx=True)
    assert response.status_code == 413
    assert response.headers["HX-Retarget"] == "#request-error"
    assert response.headers["HX-Reswap"] == "innerHTML"
    fragment = response.get_data(True)
    assert fragment.startswith('<div class="error-box"') and "5 MB" in fragment
    page = drafter.get("/documents/new").get_data(True)
    assert '<div id="request-error"></div>' in page


def test_the_limit_is_configuration(app, db, users, browser):
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_FORM_MEMORY_SIZE"] = 1024 * 1024
    drafter = browser("drafter")
    refused = drafter.post("/documents/new", new_document("x" * (1024 * 1024 + 10)))
    assert refused.status_code == 413 and "超过了 1 MB 的上限" in refused.get_data(True)
    accepted = drafter.post("/documents/new", new_document("<p>" + "字" * 100_000 + "</p>"))   # 0.9 MB percent-encoded
    assert accepted.status_code == 302


def test_a_body_under_the_limit_is_kept_whole(db, users, browser):
    """A long document (2 MB of text, under 5 MB on the wire) is accepted and not cut."""
    drafter = browser("drafter")
    body = "<p>" + "x" * (2 * 1024 * 1024) + "</p>"
    assert drafter.post("/documents/new", new_document(body)).status_code == 302
    assert len(db.session.query(Document).one().body_html) == len(body)


def test_a_comment_over_2000_characters_is_refused_in_place_and_kept(db, users, browser, make_document):
    doc = make_document(State.PRINCIPAL_REVIEW)
    principal = browser("principal")
    principal.get(f"/documents/{doc.id}")
    long_comment = "请补充依据。" * 400                                    # 2400 characters
    response = principal.post(f"/review/{doc.id}/send_back", {"comment": long_comment}, htmx=True)
    page = response.get_data(True)
    assert response.status_code == 422
    assert "意见不能超过2000个字（现有2400个字）" in page and long_comment in page
    assert db.session.get(Document, doc.id).state == State.PRINCIPAL_REVIEW
    ok = principal.post(f"/review/{doc.id}/send_back", {"comment": "请补充依据。" * 300}, htmx=True)
    assert ok.status_code == 200 and db.session.get(Document, doc.id).state == State.RETURNED
    assert db.session.get(Document, doc.id).events[-1].comment == "请补充依据。" * 300


def test_a_personal_data_remark_over_the_limit_is_refused_not_cut(db, users, browser, make_document):
    doc = make_document(State.PUBLISH_QUEUE, body_html="<p>联系人身份证号 11010519491231002X。</p>")
    response = browser("office").post(f"/publishing/{doc.id}/pii", {
        "kind": "id_card", "value": "11010519491231002X", "decision": "lawful", "remark": "依据" * 600})
    assert response.status_code == 422 and "说明不能超过1000个字" in response.get_data(True)
    assert not db.session.get(Document, doc.id).events[-1].action == "pii_resolve"

