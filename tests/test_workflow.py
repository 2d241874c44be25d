"""The spine, driven through HTTP as each role: happy paths, every refusal, the audit trail."""
import pytest

from reviewtool.labels import ANNOTATION_PROACTIVE, Disclosure, State
from reviewtool.models import Document, Event

from .conftest import TAGS

FORM = dict(title="关于开展交通运输政务公开培训的通知", doc_number="",
            body_html="为提升政务公开工作水平，定于下月开展培训。")


def form_for(disclosure, **extra):
    tags = dict(TAGS[disclosure])
    data = dict(FORM, **{k: v for k, v in tags.items() if k != "channels"})
    if "channels" in tags:
        data["channels"] = tags["channels"].split(",")
    data.update(extra)
    return data


def state_of(db, doc_id):
    return db.session.get(Document, doc_id).state


def events_of(db, doc_id):
    return db.session.query(Event).filter_by(document_id=doc_id).order_by(Event.id).all()


@pytest.mark.parametrize("disclosure, end", [
    (Disclosure.PROACTIVE, State.PUBLISH_QUEUE),
    (Disclosure.ON_REQUEST, State.ARCHIVED),
    (Disclosure.REDACTED, State.ARCHIVED),
    (Disclosure.WITHHELD, State.ARCHIVED),
])
def test_happy_path_for_each_attribute(db, users, browser, disclosure, end):
    drafter = browser("drafter")
    if disclosure == Disclosure.REDACTED:        # the spans to remove are marked on the saved draft
        assert drafter.post("/documents/new", form_for(disclosure)).status_code == 302
        draft = db.session.query(Document).one()
        assert drafter.post(f"/documents/{draft.id}/redactions",
                            {"text": "定于下月", "basis": "art37_separable"}).status_code == 302
        response = drafter.post(f"/documents/{draft.id}/submit")
    else:
        response = drafter.post("/documents/new", form_for(disclosure, intent="submit"))
    assert response.status_code == 302, response.get_data(True)
    doc = db.session.query(Document).one()
    assert doc.state == State.OFFICE_CHECK.value
    assert doc.version_no == 1 and len(doc.versions) == 1

    assert browser("office").post(f"/office/{doc.id}/pass").status_code == 302
    assert state_of(db, doc.id) == State.DIVISION_REVIEW.value
    assert browser("head").post(f"/review/{doc.id}/division_sign_off",
                                {"comment": "同意。"}).status_code == 302
    assert state_of(db, doc.id) == State.PRINCIPAL_REVIEW.value
    assert browser("principal").post(f"/review/{doc.id}/principal_sign_off").status_code == 302
    assert state_of(db, doc.id) == end.value

    trail = [(e.action, e.from_state, e.to_state, e.actor.username) for e in events_of(db, doc.id)]
    marked = [("redaction_add", "draft", "draft", "drafter")] if disclosure == Disclosure.REDACTED else []
    assert trail == [("create", None, "draft", "drafter")] + marked + [
        ("submit", "draft", "office_check", "drafter"),
        ("office_pass", "office_check", "division_review", "office"),
        ("division_sign_off", "division_review", "principal_review", "head"),
        ("principal_sign_off", "principal_review", end.value, "principal"),
    ]
    assert events_of(db, doc.id)[3 + len(marked)].comment == "同意。"

    queue = browser("office").get("/publishing/").get_data(True)
    archive = browser("office").get("/office/archive").get_data(True)
    if end == State.PUBLISH_QUEUE:
        assert FORM["title"] in queue and FORM["title"] not in archive
    else:
        assert FORM["title"] in archive and FORM["title"] not in queue
        assert TAGS[disclosure]["reason_text"] in archive       # attribute and reason visible


def test_proactive_published_by_office(db, users, browser, make_document):
    doc = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕12号")
    office = browser("office")
    assert office.post(f"/publishing/{doc.id}/confidentiality/pass").status_code == 302   # 保密审查
    bad = office.post(f"/publishing/{doc.id}/publish",
                      {"published_on": "2026-11-20", "channel": "portal", "url": "javascript:alert(1)"})
    assert bad.status_code == 422 and "http://" in bad.get_data(True)
    assert state_of(db, doc.id) == State.PUBLISH_QUEUE.value
    ok = office.post(f"/publishing/{doc.id}/publish", {"published_on": "2026-11-20", "channel": "portal",
                                                       "url": "https://jtj.example.gov.cn/a.html"})
    assert ok.status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.state == "published" and str(doc.published_on) == "2026-11-20"
    assert doc.published_url == "https://jtj.example.gov.cn/a.html"
    assert "2026-11-20" in doc.events[-1].comment


def test_return_and_resubmit_keeps_every_version_and_comment(db, users, browser):
    drafter = browser("drafter")
    drafter.post("/documents/new", form_for(Disclosure.WITHHELD, intent="submit"))
    doc = db.session.query(Document).one()
    browser("office").post(f"/office/{doc.id}/pass")
    head = browser("head")
    assert head.post(f"/review/{doc.id}/send_back", {"comment": ""}).status_code == 422
    assert state_of(db, doc.id) == State.DIVISION_REVIEW.value
    assert head.post(f"/review/{doc.id}/send_back",
                     {"comment": "依据选择不当，请改为依申请公开。"}).status_code == 302
    assert state_of(db, doc.id) == State.RETURNED.value

    returned = drafter.get("/documents/?list=returned").get_data(True)
    assert FORM["title"] in returned
    edit_page = drafter.get(f"/documents/{doc.id}/edit").get_data(True)
    assert "依据选择不当，请改为依申请公开。" in edit_page
    response = drafter.post(f"/documents/{doc.id}/edit", form_for(Disclosure.ON_REQUEST, intent="submit"))
    assert response.status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.OFFICE_CHECK.value and doc.version_no == 2
    assert [v.disclosure for v in doc.versions] == ["withheld", "on_request"]

    history = drafter.get(f"/documents/{doc.id}/history").get_data(True)
    for text in ("第 1 版", "第 2 版", "不予公开", "依申请公开", "依据选择不当", "HEAD（分管领导）",
                 TAGS[Disclosure.WITHHELD]["reason_text"], TAGS[Disclosure.ON_REQUEST]["reason_text"]):
        assert text in history


# --- refusals: each answers clearly and changes nothing ------------------------------------
REASON_OK = "附件列有企业负责人姓名和电话，公开会损害第三方权益。"

@pytest.mark.parametrize("fields, field_error", [
    (dict(disclosure=""), "未标注公开属性"),
    (dict(disclosure="withheld", legal_basis="", reason_text=REASON_OK),
     "须选择法律依据"),
    (dict(disclosure="withheld", legal_basis="art15_third_party", reason_text=""), "须写明理由"),
    (dict(disclosure="withheld", legal_basis="art15_third_party", reason_text="不宜公开"), "理由过于笼统"),
    (dict(disclosure="on_request", legal_basis="art14_secret", reason_text=REASON_OK), "不能作为依申请公开的依据"),
    (dict(disclosure="proactive", channels=[]), "至少一种公开方式"),
])
def test_submit_refused_when_tagging_is_incomplete(db, users, browser, fields, field_error):
    data = dict(FORM, intent="submit", **fields)
    response = browser("drafter").post("/documents/new", data, htmx=True)
    page = response.get_data(True)
    assert response.status_code == 422
    assert field_error in page
    assert FORM["title"] in page                      # nothing typed is lost
    doc = db.session.query(Document).one()             # the draft is saved ...
    assert doc.state == State.DRAFT.value and doc.version_no == 0   # ... but not submitted
    assert [e.action for e in doc.events] == ["create"]


def test_form_errors_in_place_keep_what_was_typed(db, users, browser):
    response = browser("drafter").post("/documents/new", dict(FORM, title="", disclosure="withheld",
                                       reason_text="我写了一半的理由"), htmx=True)
    page = response.get_data(True)
    assert response.status_code == 422 and "请填写标题" in page
    assert "我写了一半的理由" in page and FORM["body_html"] in page
    assert db.session.query(Document).count() == 0


def test_choosing_non_proactive_reveals_basis_fields(users, browser):
    drafter = browser("drafter")
    proactive = drafter.post("/documents/disclosure-fields", {"disclosure": "proactive",
                                                              "reason_text": "先写的理由"}, htmx=True)
    assert "理由说明" not in proactive.get_data(True)
    assert 'value="先写的理由"' in proactive.get_data(True)       # kept while hidden
    withheld = drafter.post("/documents/disclosure-fields", {"disclosure": "withheld",
                                                             "reason_text": "先写的理由"}, htmx=True)
    page = withheld.get_data(True)
    assert "法律依据" in page and "理由说明" in page and "先写的理由" in page
    assert "第十五条" in page and "第三十七条" not in page        # only bases that fit the attribute


@pytest.mark.parametrize("who, url, status", [
    ("drafter", "/review/{id}/division_sign_off", 403),        # wrong role
    ("office", "/review/{id}/division_sign_off", 403),
    ("principal", "/review/{id}/division_sign_off", 403),      # principal acts later, not now
    ("other_head", "/review/{id}/division_sign_off", 404),     # another division: cannot even see it
    ("head", "/review/{id}/principal_sign_off", 403),
    ("head", "/office/{id}/pass", 403),
    ("colleague", "/documents/{id}/submit", 409),              # state is wrong for submit, and not theirs
])
def test_sign_off_refused_for_the_wrong_people(db, users, browser, make_document, who, url, status):
    doc = make_document(State.DIVISION_REVIEW)
    before = len(events_of(db, doc.id))
    response = browser(who).post(url.format(id=doc.id), {"comment": "同意"})
    assert response.status_code in (status, 403, 404)
    assert response.status_code == status or who == "colleague"
    assert "无法完成操作" in response.get_data(True)
    assert state_of(db, doc.id) == State.DIVISION_REVIEW.value
    assert len(events_of(db, doc.id)) == before


def test_other_division_head_cannot_see_the_document(db, users, browser, make_document):
    doc = make_document(State.DIVISION_REVIEW)
    other = browser("other_head")
    assert other.get(f"/documents/{doc.id}").status_code == 404
    assert doc.title not in other.get("/documents/?list=inbox").get_data(True)
    assert doc.title in browser("head").get("/documents/?list=inbox").get_data(True)


def test_drafter_cannot_approve_own_document_even_as_a_leader(db, users, browser, make_user, make_document):
    # A division head who drafted a document (e.g. a data fix) may not sign it off.
    from reviewtool.errors import NotAllowed
    from reviewtool.workflow import perform
    doc = make_document(State.DIVISION_REVIEW)
    doc.drafter_id = users["head"].id
    db.session.commit()
    with pytest.raises(NotAllowed) as refused:
        perform(doc, "division_sign_off", users["head"])
    assert "不能对本人起草的公文" in refused.value.message


def test_drafter_cannot_sign_off_own_document_over_http(db, users, browser, make_document):
    doc = make_document(State.PRINCIPAL_REVIEW)
    response = browser("drafter").post(f"/review/{doc.id}/principal_sign_off")
    assert response.status_code == 403
    assert state_of(db, doc.id) == State.PRINCIPAL_REVIEW.value


@pytest.mark.parametrize("state, url, who, status", [
    (State.DRAFT, "/office/{id}/pass", "office", 404),                  # a draft is not shown to them
    (State.OFFICE_CHECK, "/review/{id}/division_sign_off", "head", 409),
    (State.PUBLISH_QUEUE, "/review/{id}/principal_sign_off", "principal", 409),
    (State.PRINCIPAL_REVIEW, "/documents/{id}/submit", "drafter", 409),
])
def test_actions_in_the_wrong_state_are_refused(db, users, browser, make_document, state, url, who,
                                                status):
    doc = make_document(state)
    before = (state_of(db, doc.id), len(events_of(db, doc.id)))
    response = browser(who).post(url.format(id=doc.id))
    assert response.status_code == status
    if status == 409:
        page = response.get_data(True)
        assert "当前状态为" in page and "已由" in page            # who acted last, and when
    assert (state_of(db, doc.id), len(events_of(db, doc.id))) == before


def test_htmx_action_answers_with_the_refreshed_panel(db, users, browser, make_document):
    doc = make_document(State.DIVISION_REVIEW)
    head = browser("head")
    refused = head.post(f"/review/{doc.id}/send_back", {"comment": ""}, htmx=True)
    assert refused.status_code == 422
    assert 'id="actions"' in refused.get_data(True) and "须填写意见" in refused.get_data(True)
    assert "<html" not in refused.get_data(True)
    done = head.post(f"/review/{doc.id}/division_sign_off", {"comment": "同意"}, htmx=True)
    assert done.status_code == 200 and "主要负责人签发" in done.get_data(True)


def test_post_without_csrf_token_is_refused_and_changes_nothing(db, users, browser, make_document):
    doc = make_document(State.DIVISION_REVIEW)
    head = browser("head")
    for htmx in (False, True):
        response = head.post(f"/review/{doc.id}/division_sign_off", csrf=False, htmx=htmx)
        assert response.status_code == 400 and "CSRF" in response.get_data(True)
    assert state_of(db, doc.id) == State.DIVISION_REVIEW.value
    drafter = browser("drafter")
    assert drafter.post("/documents/new", dict(FORM, disclosure="proactive"), csrf=False).status_code == 400
    assert db.session.query(Document).count() == 1


def test_only_the_drafter_edits_and_only_while_editable(db, users, browser, make_document):
    doc = make_document(State.DRAFT)
    assert browser("colleague").get(f"/documents/{doc.id}/edit").status_code == 404   # drafts are private
    assert browser("head").get(f"/documents/{doc.id}").status_code == 404
    sent = make_document(State.OFFICE_CHECK)
    assert browser("drafter").get(f"/documents/{sent.id}/edit").status_code == 403
    assert browser("colleague").get(f"/documents/{sent.id}").status_code == 200       # same division may read
    assert browser("outsider").get(f"/documents/{sent.id}").status_code == 404


# --- the office ---------------------------------------------------------------------------

def untagged_in_queue(db, users, title="从原系统迁入的未标注公文"):
    from reviewtool.labels import Action
    from reviewtool.models import DocumentVersion
    from reviewtool.audit import record
    doc = Document(title=title, drafter=users["drafter"], division_id=users["drafter"].division_id,
                   body_html="<p>正文</p>", state=State.OFFICE_CHECK.value, version_no=1)
    db.session.add(doc)
    db.session.flush()
    db.session.add(DocumentVersion.snapshot(doc, 1, users["drafter"]))
    record(Action.IMPORT, users["drafter"], document=doc, to_state=State.OFFICE_CHECK)
    db.session.commit()
    return doc


def test_office_queue_flags_and_must_return_untagged(db, users, browser, make_document):
    good = make_document(State.OFFICE_CHECK)
    bad = untagged_in_queue(db, users)
    office = browser("office")
    page = office.get("/office/").get_data(True)
    assert "须退文：未标注公开属性" in page and "符合要求" in page
    refused = office.post(f"/office/{bad.id}/pass")
    assert refused.status_code == 422 and "应予退文" in refused.get_data(True)
    assert state_of(db, bad.id) == State.OFFICE_CHECK.value
    assert office.post(f"/office/{bad.id}/return", {"comment": ""}).status_code == 422
    assert office.post(f"/office/{bad.id}/return", {"comment": "请标注公开属性。"}).status_code == 302
    assert state_of(db, bad.id) == State.RETURNED.value
    assert state_of(db, good.id) == State.OFFICE_CHECK.value


def test_return_all_untagged_in_one_click(db, users, browser, make_document):
    good = make_document(State.OFFICE_CHECK)
    bad = [untagged_in_queue(db, users, f"未标注公文{i}") for i in range(3)]
    boilerplate = make_document(State.OFFICE_CHECK, Disclosure.WITHHELD)
    boilerplate.reason_text = "不宜公开"        # slipped in before the rule existed
    db.session.commit()
    response = browser("office").post("/office/return-untagged", {"comment": "请按细则补充。"}, htmx=True)
    assert response.status_code == 200
    assert "已退文 4 件" in response.get_data(True)
    for doc in bad + [boilerplate]:
        assert state_of(db, doc.id) == State.RETURNED.value
        assert "请按细则补充。" in db.session.get(Document, doc.id).events[-1].comment
    assert state_of(db, good.id) == State.OFFICE_CHECK.value


def test_office_only_routes_refuse_other_roles(users, browser):
    for who in ("drafter", "head", "principal"):
        b = browser(who)
        assert b.get("/office/").status_code == 403
        assert b.get("/publishing/").status_code == 403
        assert b.post("/office/return-untagged").status_code == 403


# --- the annotation, sanitising ------------------------------------------------------------

def test_the_paper_the_leaders_sign_carries_the_annotation_the_attribute_implies(db, users, browser,
                                                                                make_document):
    """Leaders sign what gets published: the 附注 is on the paper from the start, not only after
    sign-off; each attribute says its own; an untagged document has none."""
    queued = make_document(State.PUBLISH_QUEUE, title="应主动公开的通知")
    in_review = make_document(State.PRINCIPAL_REVIEW, title="审签中的主动公开通知")
    archived = make_document(State.ARCHIVED, Disclosure.WITHHELD, title="不予公开的函")
    untagged = make_document(State.DRAFT, disclosure=None, title="尚未标注的通知")
    office = browser("office")
    assert ANNOTATION_PROACTIVE in office.get(f"/documents/{queued.id}").get_data(True)
    assert ANNOTATION_PROACTIVE in office.get("/publishing/").get_data(True)
    signing = browser("principal").get(f"/documents/{in_review.id}").get_data(True)
    paper = signing[signing.index('id="paper"'):signing.index("<aside")]
    assert '<p class="paper-annotation">（此件主动公开）</p>' in paper
    assert paper.index("paper-date") < paper.index(ANNOTATION_PROACTIVE)   # 附注 below the date
    withheld = office.get(f"/documents/{archived.id}").get_data(True)
    assert "（此件不予公开）" in withheld and ANNOTATION_PROACTIVE not in withheld
    draft = browser("drafter").get(f"/documents/{untagged.id}").get_data(True)
    assert "paper-annotation" not in draft


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_hostile_html_is_stored_sanitized_and_rendered_escaped(db, users, browser):
    drafter = browser("drafter")
    drafter.post("/documents/new", dict(form_for(Disclosure.PROACTIVE), intent="submit",
                                        title="通知" + HOSTILE, body_html="<p>正文</p>" + HOSTILE +
                                        '<a href="javascript:alert(3)">链接</a>'))
    doc = db.session.query(Document).one()
    for stored in (doc.title, doc.body_html, doc.versions[0].body_html):
        assert "<script" not in stored and "onerror" not in stored and "javascript:" not in stored
    assert "<p>正文</p>" in doc.body_html
    browser("office").post(f"/office/{doc.id}/return", {"comment": "意见" + HOSTILE + "&lt;script&gt;"})
    comment = db.session.get(Document, doc.id).events[-1].comment
    assert "<script" not in comment and "onerror" not in comment
    for url in (f"/documents/{doc.id}", f"/documents/{doc.id}/history", "/documents/?list=returned"):
        page = drafter.get(url).get_data(True)
        assert "<script>alert" not in page and "onerror=" not in page and "javascript:alert" not in page


def test_a_second_approver_is_told_who_signed_and_when(db, users, browser, make_user, make_document):
    """Two principals with the same page open: the second one's click names the first."""
    make_user("principal2", "principal")
    doc = make_document(State.PRINCIPAL_REVIEW)
    first, second = browser("principal"), browser("principal2")
    assert first.post(f"/review/{doc.id}/principal_sign_off", {"comment": "同意"}).status_code == 302
    late = second.post(f"/review/{doc.id}/principal_sign_off", {"comment": "同意"}, htmx=True)
    assert late.status_code == 409
    assert "该公文已由PRINCIPAL于" in late.get_data(True) and "主要负责人签发" in late.get_data(True)


def test_an_act_never_redirects_to_a_posted_next(db, users, browser, make_document):
    doc = make_document(State.OFFICE_CHECK)
    response = browser("office").post(f"/office/{doc.id}/pass", {"next": "//evil.example/x"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/documents/{doc.id}"


@pytest.mark.parametrize("title", ['<img src=x onerror="alert(1)">', "\u200b\u200d\u2060", " <b></b> "])
def test_a_title_of_only_markup_or_invisible_characters_is_refused_in_place(db, users, browser, title):
    response = browser("drafter").post("/documents/new", form_for(Disclosure.PROACTIVE, title=title))
    assert response.status_code == 422
    page = response.get_data(True)
    assert "请填写标题。" in page and "为提升政务公开工作水平" in page       # what was typed is kept
    assert db.session.query(Document).count() == 0


def test_bidi_overrides_are_stripped_from_titles_and_numbers(db, users, browser):
    response = browser("drafter").post("/documents/new", form_for(
        Disclosure.PROACTIVE, title="关于\u202e知通的\u202c培训", doc_number="某交办\u2066〔2026〕1号"))
    assert response.status_code == 302
    doc = db.session.query(Document).one()
    assert doc.title == "关于知通的培训" and doc.doc_number == "某交办〔2026〕1号"


def test_the_drafters_list_says_why_a_document_came_back(db, users, browser, make_document):
    doc = make_document(State.DIVISION_REVIEW)
    assert browser("head").post(f"/review/{doc.id}/send_back",
                                {"comment": "请补充培训经费来源。"}).status_code == 302
    listed = browser("drafter").get("/documents/?list=returned").get_data(True)
    row = listed[listed.index(f'id="doc-{doc.id}"'):]
    row = row[:row.index("</tr>")]
    assert "退回拟稿人" in row and "请补充培训经费来源。" in row and "HEAD" in row
