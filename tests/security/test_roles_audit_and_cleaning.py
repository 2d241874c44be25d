"""Issue 8, the other findings:
- “Self-approval via a role change: a drafter later made an office user can pass, check and
  publish their own document … The history shows the role the actor held when they acted.”
- “Every admin change (role, divisions led, active, password reset, settings) and every
  redaction span added or withdrawn writes an Event.”
- “Validate after sanitizing: a title of only markup or only zero-width characters is empty;
  strip bidi override characters from titles, names and 文号.”"""
import pytest
from sqlalchemy import select

from reviewtool.labels import Action, Disclosure, Role, State
from reviewtool.models import Document, Event, User

from ..conftest import TAGS


def events(db, **filters):
    return db.session.scalars(select(Event).filter_by(**filters).order_by(Event.id)).all()


def change_role(browser, user, role, **extra):
    fields = dict(username=user.username, name=user.name, role=role, division_id=0, active="y", **extra)
    response = browser("admin").post(f"/admin/users/{user.id}", fields)
    assert response.status_code == 302, response.get_data(True)


def test_a_drafter_made_office_user_cannot_pass_check_or_publish_their_own_document(
        db, users, browser, make_document):
    checked = make_document(State.OFFICE_CHECK)
    queued = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕3号")
    change_role(browser, users["drafter"], "office")                       # the request of the finding
    former = browser("drafter")
    for url in (f"/office/{checked.id}/pass", f"/office/{checked.id}/return"):
        response = former.post(url, {"comment": "本人审核"})
        assert response.status_code == 403 and "本人起草" in response.get_data(True)
    for url, data in ((f"/publishing/{queued.id}/confidentiality/pass", {}),
                      (f"/publishing/{queued.id}/catalogue", {"doc_number": "某交办〔2026〕4号"}),
                      (f"/publishing/{queued.id}/publish", {"published_on": "2026-11-20", "channel": "portal",
                                                            "url": "https://jtj.example.gov.cn/x.html"})):
        assert former.post(url, data).status_code == 403, url
    assert db.session.get(Document, checked.id).state == State.OFFICE_CHECK
    queued = db.session.get(Document, queued.id)
    assert queued.state == State.PUBLISH_QUEUE and queued.doc_number == "某交办〔2026〕3号"
    page = former.get(f"/documents/{checked.id}").get_data(True)
    assert "审核通过" not in page                                          # no button offered either
    history = browser("office").get(f"/documents/{checked.id}/history").get_data(True)
    assert "DRAFTER（拟稿人）" in history and "DRAFTER（办公室）" not in history
    submit = events(db, document_id=checked.id, action=Action.SUBMIT)[0]
    assert submit.actor_role == Role.DRAFTER


@pytest.mark.parametrize("role, state, url", [
    ("principal", State.PRINCIPAL_REVIEW, "/review/{id}/principal_sign_off"),
    ("division_head", State.DIVISION_REVIEW, "/review/{id}/division_sign_off"),
])
def test_a_drafter_made_a_leader_cannot_sign_their_own_document(db, users, browser, make_document,
                                                                divisions, role, state, url):
    doc = make_document(state)
    extra = {"led_division_ids": [users["drafter"].division_id]} if role == "division_head" else {}
    change_role(browser, users["drafter"], role, **extra)
    response = browser("drafter").post(url.format(id=doc.id))
    assert response.status_code == 403 and db.session.get(Document, doc.id).state == state


def test_each_admin_change_writes_an_event(db, users, browser, divisions):
    target = users["colleague"]
    admin = browser("admin")
    base = dict(username="colleague", name="COLLEAGUE", role="drafter",
                division_id=target.division_id, active="y")
    other = [d for d in divisions.values() if d.id != target.division_id][0]
    steps = [
        (dict(base, role="office", division_id=0), "角色：办公室"),
        (dict(base, role="division_head", division_id=0, led_division_ids=[other.id]), f"分管科室：{other.name}"),
        (dict(base, role="division_head", division_id=0, led_division_ids=[other.id], active=None), "状态：停用"),
        (dict(base, role="division_head", division_id=0, led_division_ids=[other.id],
              password="Reset-by-admin-2026"), "重设密码"),
    ]
    for fields, expected in steps:
        before = len(events(db, subject=f"user:{target.id}"))
        response = admin.post(f"/admin/users/{target.id}", {k: v for k, v in fields.items() if v is not None})
        assert response.status_code == 302, response.get_data(True)
        after = events(db, subject=f"user:{target.id}")
        assert len(after) == before + 1 and expected in after[-1].after, (expected, after[-1].after)
        assert after[-1].actor_id == users["admin"].id and after[-1].actor_role == Role.ADMIN
    assert "Reset-by-admin-2026" not in " ".join(e.after + e.before for e in events(db))
    assert admin.post("/admin/catalogue", {"org_code": "QZ00120"}).status_code == 302
    assert events(db, action=Action.SETTING_CHANGE)[-1].after == "机构代码：QZ00120"
    assert admin.post(f"/admin/users/{target.id}/sessions/end").status_code == 302
    assert events(db, subject=f"user:{target.id}")[-1].action == Action.SESSIONS_END


def test_redaction_spans_added_and_withdrawn_are_events(db, users, browser, make_document):
    doc = make_document(State.DRAFT, Disclosure.REDACTED, body_html="<p>经检查，某公司负责人李四未按规定开展培训。</p>")
    drafter = browser("drafter")
    assert drafter.post(f"/documents/{doc.id}/redactions",
                        {"text": "某公司负责人李四", "basis": "art15_third_party"}).status_code == 302
    span = db.session.get(Document, doc.id).redaction_spans[0]
    assert drafter.post(f"/documents/{doc.id}/redactions/{span.id}/withdraw").status_code == 302
    assert [e.action for e in events(db, document_id=doc.id)][-2:] == [Action.REDACTION_ADD,
                                                                        Action.REDACTION_WITHDRAW]


def document_form(**extra):
    tags = dict(TAGS[Disclosure.PROACTIVE])
    data = dict(title="关于开展培训的通知", body_html="为提升政务公开工作水平，定于下月开展培训。",
                disclosure=tags["disclosure"], channels=["portal"])
    data.update(extra)
    return data


@pytest.mark.parametrize("title", ['<img src=x onerror="alert(1)">', "<b></b><i> </i>", "\u200b\u200c\u200d\u2060\ufeff",
                                   "&lt;b&gt;&lt;/b&gt;", "\u202e\u202c"])
def test_a_title_that_is_empty_once_cleaned_is_refused_in_place(db, users, browser, title):
    response = browser("drafter").post("/documents/new", document_form(title=title))
    page = response.get_data(True)
    assert response.status_code == 422 and "请填写标题。" in page and "为提升政务公开工作水平" in page
    assert db.session.query(Document).count() == 0


def test_bidi_controls_are_stripped_from_titles_names_and_numbers(db, users, browser, make_document):
    assert browser("drafter").post("/documents/new", document_form(
        title="关于\u202e知通\u202c的培训", doc_number="某交办\u2067〔2026〕1号\u2069")).status_code == 302
    doc = db.session.query(Document).one()
    assert (doc.title, doc.doc_number) == ("关于知通的培训", "某交办〔2026〕1号")
    assert browser("admin").post("/admin/users/new", dict(
        username="wu\u202e", name="吴\u202e九\u200b", role="principal", division_id=0,
        password="Harbor-light-2026", active="y")).status_code == 302
    wu = db.session.scalar(select(User).filter_by(username="wu"))
    assert wu is not None and wu.name == "吴九"
    queued = make_document(State.PUBLISH_QUEUE)
    assert browser("office").post(f"/publishing/{queued.id}/catalogue",
                                  {"doc_number": "泉交办\u202e〔2026〕19号"}).status_code == 302
    assert db.session.get(Document, queued.id).doc_number == "泉交办〔2026〕19号"
