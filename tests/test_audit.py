"""Every act that changes data writes an Event: who, in which role (as held then), when, on what,
from, to, comment.  Acts outside the transition table included."""
from sqlalchemy import select

from reviewtool.labels import Action, Disclosure, Role, State
from reviewtool.models import Event, User


def events(db, **filters):
    return db.session.scalars(select(Event).filter_by(**filters).order_by(Event.id)).all()


def test_marking_and_withdrawing_a_redaction_span_are_events(db, users, browser, make_document):
    doc = make_document(State.DRAFT, Disclosure.REDACTED,
                        body_html="<p>经检查，某公司负责人李四未按规定开展培训。</p>")
    drafter = browser("drafter")
    assert drafter.post(f"/documents/{doc.id}/redactions",
                        {"text": "某公司负责人李四", "basis": "art15_third_party"}).status_code == 302
    added = events(db, document_id=doc.id, action=Action.REDACTION_ADD)
    assert len(added) == 1
    assert (added[0].actor.username, added[0].actor_role) == ("drafter", Role.DRAFTER)
    assert "某公司负责人李四" in added[0].after and "第十五条" in added[0].after
    span_id = doc.redaction_spans[0].id
    assert drafter.post(f"/documents/{doc.id}/redactions/{span_id}/withdraw").status_code == 302
    withdrawn = events(db, document_id=doc.id, action=Action.REDACTION_WITHDRAW)
    assert len(withdrawn) == 1 and "某公司负责人李四" in withdrawn[0].before


def test_saving_a_draft_is_an_event_naming_what_changed(db, users, browser, make_document):
    doc = make_document(State.DRAFT)
    response = browser("drafter").post(f"/documents/{doc.id}/edit", {
        "title": "关于开展交通运输政务公开业务培训的通知", "body_html": "为提升政务公开工作水平，定于下月开展培训。",
        "disclosure": "proactive", "channels": ["portal"]})
    assert response.status_code == 302
    edit = events(db, document_id=doc.id, action=Action.EDIT)
    assert len(edit) == 1 and edit[0].after == "修改了：标题"


def test_admin_changes_are_events(db, users, browser):
    admin = browser("admin")
    assert admin.post("/admin/divisions", {"name": "财务审计科"}).status_code == 302
    division = events(db, action=Action.DIVISION_CREATE)
    assert len(division) == 1 and division[0].after == "财务审计科" and division[0].subject.startswith("division:")

    assert admin.post("/admin/users/new", {"username": "zhao", "name": "赵六", "role": "drafter",
                                           "division_id": users["drafter"].division_id,
                                           "password": "a-long-pass-2026", "active": "y"}).status_code == 302
    zhao = db.session.scalar(select(User).filter_by(username="zhao"))
    created = events(db, subject=f"user:{zhao.id}")
    assert [e.action for e in created] == [Action.USER_CREATE]
    assert created[0].actor.username == "admin" and created[0].actor_role == Role.ADMIN

    assert admin.post(f"/admin/users/{zhao.id}", {"username": "zhao", "name": "赵六", "role": "office",
                                                  "division_id": 0, "password": "another-pass-2026"}
                      ).status_code == 302
    changed = events(db, subject=f"user:{zhao.id}")[-1]
    assert changed.action == Action.USER_UPDATE
    assert "角色：拟稿人" in changed.before and "角色：办公室" in changed.after
    assert "状态：停用" in changed.after and "重设密码" in changed.after

    assert admin.post("/admin/catalogue", {"org_code": "QZ00120"}).status_code == 302
    setting = events(db, action=Action.SETTING_CHANGE)
    assert len(setting) == 1 and setting[0].after == "机构代码：QZ00120"

    assert admin.post("/admin/calendar/2027", {"days": "2027-01-01 holiday 元旦", "note": "通知"}
                      ).status_code == 302
    calendar = events(db, action=Action.CALENDAR_SAVE)
    assert len(calendar) == 1 and calendar[0].subject == "calendar:2027"
    assert "放假1天" in calendar[0].after


def test_the_history_shows_the_role_held_when_acting(db, users, browser, make_document):
    """A drafter later made an office user still appears as 拟稿人 on what they did as drafter."""
    doc = make_document(State.OFFICE_CHECK)
    drafter = db.session.get(User, users["drafter"].id)
    drafter.role = Role.OFFICE
    db.session.commit()
    page = browser("office").get(f"/documents/{doc.id}/history").get_data(True)
    assert "DRAFTER（拟稿人）" in page and "DRAFTER（办公室）" not in page
