"""消息: the workflow tells whoever a document now waits for, and the drafter whose document came
back (with the comment); the bell counts the unread in one cheap query; marking read by htmx
swaps the list and the bell."""
import re

import pytest
from sqlalchemy import event, select

from reviewtool.extensions import db as _db
from reviewtool.labels import Disclosure, NoticeKind, Role, State
from reviewtool.models import Notification
from reviewtool.notifications import QUEUES, people
from reviewtool.workflow import TRANSITIONS, allowed_actions


def notices(db, username, users, kind=None):
    stmt = select(Notification).filter_by(user_id=users[username].id).order_by(Notification.id)
    if kind:
        stmt = stmt.filter_by(kind=kind)
    return db.session.scalars(stmt).all()


def test_each_step_tells_whoever_the_document_now_waits_for(db, users, make_user, browser, make_document):
    second_office = make_user("office2", Role.OFFICE)
    doc = make_document(State.DRAFT)
    drafter = browser("drafter")
    assert drafter.post(f"/documents/{doc.id}/submit").status_code == 302
    for username in ("office", "office2"):
        arrived = notices(db, username, {**users, "office2": second_office}, NoticeKind.ARRIVED)
        assert len(arrived) == 1 and arrived[0].document_id == doc.id
        assert arrived[0].text == f"《{doc.title}》待您办理：办公室审核（DRAFTER提交）"
    assert notices(db, "drafter", users) == []                 # not told of one's own act

    assert browser("office").post(f"/office/{doc.id}/pass").status_code == 302
    assert [n.kind for n in notices(db, "head", users)] == [NoticeKind.ARRIVED]
    assert notices(db, "other_head", users) == []             # leads another division
    assert browser("head").post(f"/review/{doc.id}/division_sign_off", {"comment": "同意"}).status_code == 302
    assert [n.kind for n in notices(db, "principal", users)] == [NoticeKind.ARRIVED]

    # sent back: the drafter is told, with the comment
    assert browser("principal").post(f"/review/{doc.id}/send_back",
                                      {"comment": "请补充第三段的数据来源。"}).status_code == 302
    returned = notices(db, "drafter", users, NoticeKind.RETURNED)
    assert len(returned) == 1
    assert returned[0].text == f"《{doc.title}》被PRINCIPAL退回拟稿人：请补充第三段的数据来源。"
    assert returned[0].event_id is not None


def test_a_confidentiality_failure_is_told_to_the_drafter(db, users, browser, make_document):
    doc = make_document(State.PUBLISH_QUEUE)
    assert browser("office").post(f"/publishing/{doc.id}/confidentiality/fail",
                                  {"comment": "第二段涉及工作秘密。"}).status_code == 302
    returned = notices(db, "drafter", users, NoticeKind.RETURNED)
    assert len(returned) == 1 and "第二段涉及工作秘密。" in returned[0].text


@pytest.mark.parametrize("state", sorted(QUEUES, key=lambda s: s.value), ids=lambda s: s.value)
def test_the_people_told_are_the_people_the_table_lets_act(db, users, make_document, state):
    """QUEUES agrees with the transition table: whoever is told may take a step that moves the
    document on, and nobody else of that role's candidates may."""
    doc = make_document(State.DRAFT, Disclosure.ON_REQUEST)
    doc.state = state
    db.session.flush()
    told = {u.username for u in people(doc, QUEUES[state])}
    movers = {name for name, user in users.items()
              if any(t.action == a and state in t.sources and t.destination(doc) != state
                     for a in allowed_actions(doc, user) for t in TRANSITIONS)}
    assert told == movers, (state, told, movers)


def test_the_bell_counts_unread_in_one_query(db, users, browser, make_document, app):
    for _ in range(3):
        make_document(State.OFFICE_CHECK)
    office = browser("office")
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", remember)
    try:
        page = office.get("/documents/").get_data(True)
        full = [s for s in statements if "notification" in s.lower()]
        statements.clear()
        office.get("/documents/?list=queue", headers={"HX-Request": "true"})
        fragment = [s for s in statements if "notification" in s.lower()]
    finally:
        event.remove(_db.engine, "before_cursor_execute", remember)
    assert len(full) == 1 and "count" in full[0].lower()
    assert fragment == []                                       # a swap does not count again
    bell = re.search(r'<a id="bell".*?</a>', page, re.S).group(0)
    assert 'href="/notifications/"' in bell
    assert '<span class="count">3</span>' in bell
    assert 'aria-label="消息，3条未读"' in bell                      # the accessible name counts
    quiet = browser("admin").get("/admin/users").get_data(True)
    assert 'aria-label="消息，没有未读消息"' in quiet


def test_marking_read_by_htmx_swaps_the_list_and_the_bell(db, users, browser, make_document):
    first = make_document(State.OFFICE_CHECK)
    make_document(State.OFFICE_CHECK)
    office = browser("office")
    page = office.get("/notifications/").get_data(True)
    assert first.title in page and f'href="/documents/{first.id}"' in page
    mine = notices(db, "office", users)
    assert len(mine) == 2
    response = office.post(f"/notifications/{mine[0].id}/read", htmx=True)
    assert response.status_code == 200
    body = response.get_data(True)
    assert body.startswith('<section id="notifications"')
    assert '<div class="flash flash-success">已标为已读' in body     # announced by the live region
    assert 'id="bell"' in body and 'hx-swap-oob="true"' in body and "消息，1条未读" in body
    db.session.expire_all()
    assert notices(db, "office", users)[0].read_at is not None and notices(db, "office", users)[1].read_at is None

    # someone else's notification is not found; no CSRF token, no change
    drafter = browser("drafter")
    assert drafter.post(f"/notifications/{mine[1].id}/read").status_code == 404
    assert office.post(f"/notifications/{mine[1].id}/read", csrf=False).status_code == 400
    assert office.post("/notifications/read-all").status_code == 302
    db.session.expire_all()
    assert all(n.read_at for n in notices(db, "office", users))
    unread_tab = office.get("/notifications/?unread=1").get_data(True)
    assert "没有未读消息。" in unread_tab
