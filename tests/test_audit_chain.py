"""The tamper-evident record: every event is chained to the one before by a SHA-256 hash; a
direct change in the database (a raw UPDATE or DELETE, bypassing the app) is found and named by
``flask verify-audit`` and the admin's page.  The office exports a document's or a period's
history, with no spreadsheet formula from user text."""
import csv
import io
import threading
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from reviewtool.audit import event_digest, record, verify_chain, CHAIN_FIELDS
from reviewtool.dates import local_today
from reviewtool.labels import Action, Disclosure, State
from reviewtool.models import AuditChainHead, Document, Event, User
from reviewtool.models.oversight import GENESIS_HASH

from .conftest import IS_POSTGRES


def all_events(db):
    return db.session.scalars(select(Event).order_by(Event.id)).all()


def test_every_act_is_chained_to_the_one_before(db, users, browser, make_document):
    make_document(State.PUBLISH_QUEUE)
    make_document(State.DRAFT, Disclosure.REDACTED)
    assert browser("admin").post("/admin/divisions", {"name": "财务审计科"}).status_code == 302
    events = all_events(db)
    assert len(events) == 7
    previous = GENESIS_HASH
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == event_digest({f: getattr(event, f) for f in CHAIN_FIELDS}, previous)
        previous = event.hash
    head = db.session.get(AuditChainHead, 1)
    assert (head.last_event_id, head.last_hash, head.length) == (events[-1].id, previous, len(events))
    check = verify_chain()
    assert check.ok and check.checked == len(events) and check.head_hash == previous


def test_a_comment_changed_in_the_database_is_named(app, db, users, browser, make_document):
    doc = make_document(State.PRINCIPAL_REVIEW)
    office = browser("office")
    target = db.session.scalars(select(Event).filter_by(document_id=doc.id,
                                                        action=Action.OFFICE_PASS)).one()
    later = all_events(db)[-1]
    assert later.id > target.id
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["verify-audit"])
    assert clean.exit_code == 0 and "审计记录链完整" in clean.output, clean.output

    # Someone with database access rewrites what the division head wrote.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE event SET comment = :c WHERE id = :id"),
                     {"c": "同意（已改）", "id": target.id})
    db.session.expire_all()

    broken = runner.invoke(args=["verify-audit"])
    assert broken.exit_code == 1
    assert f"第{target.id}号记录的内容与其校验值不符" in broken.output
    page = browser("admin").get("/admin/audit")
    assert page.status_code == 200
    body = page.get_data(True)
    assert f"第{target.id}号记录的内容与其校验值不符" in body and "同意（已改）" in body
    assert f"第{later.id}号" not in body.split("链头")[0]         # only the first break is named
    assert office.get("/admin/audit").status_code == 403


def test_an_event_removed_from_the_middle_or_the_end_is_found(app, db, users, make_document):
    make_document(State.PUBLISH_QUEUE)
    events = all_events(db)
    middle, after_middle, last = events[2], events[3], events[-1]
    with db.engine.begin() as conn:          # a thorough tamperer removes what refers to it too
        conn.execute(text("DELETE FROM notification WHERE event_id = :id"), {"id": last.id})
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": last.id})
    db.session.expire_all()
    check = verify_chain()
    assert not check.ok and "最近的记录被删除" in check.problem
    assert check.broken_event_id == events[-2].id

    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM notification WHERE event_id = :id"), {"id": middle.id})
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": middle.id})
    check = verify_chain()
    assert check.broken_event_id == after_middle.id
    assert f"第{after_middle.id}号记录与前一条（第{events[1].id}号记录）不衔接" in check.problem


def test_an_action_rewritten_to_an_unknown_key_is_shown_not_a_500(db, users, browser, make_document):
    doc = make_document(State.OFFICE_CHECK)
    event_id = db.session.scalars(select(Event.id).filter_by(document_id=doc.id,
                                                             action=Action.SUBMIT)).one()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE event SET action = 'no_such_action' WHERE id = :id"), {"id": event_id})
    page = browser("admin").get("/admin/audit")
    assert page.status_code == 200
    assert f"第{event_id}号记录的内容与其校验值不符" in page.get_data(True)
    assert "no_such_action" in page.get_data(True)


@pytest.mark.postgres
@pytest.mark.skipif(not IS_POSTGRES, reason="concurrency is proven on PostgreSQL (set DATABASE_URL)")
def test_two_transactions_appending_at_once_never_share_a_predecessor(app, db, users):
    """Both transactions are open at once and both append; the second waits for the first's lock
    on the chain head, so each new event links to a different predecessor."""
    admin_id = users["admin"].id
    barrier = threading.Barrier(4)
    errors = []

    def append(n):
        try:
            with app.app_context():
                actor = db.session.get(User, admin_id)
                barrier.wait(timeout=10)
                for i in range(5):
                    record(Action.SETTING_CHANGE, actor, subject=f"setting:t{n}", after=str(i))
                    db.session.flush()
                    threading.Event().wait(0.01)     # hold the transaction open a moment
                db.session.commit()
        except Exception as error:                   # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    db.session.expire_all()
    events = all_events(db)
    appended = [e for e in events if (e.subject or "").startswith("setting:t")]
    assert len(appended) == 20
    prevs = [e.prev_hash for e in events]
    assert len(prevs) == len(set(prevs))              # nobody chained to the same event twice
    check = verify_chain()
    assert check.ok, check.problem


def test_the_office_exports_a_document_history(db, users, browser, make_document):
    doc = make_document(State.PRINCIPAL_REVIEW)
    principal = browser("principal")
    assert principal.post(f"/review/{doc.id}/send_back",
                          {"comment": "=HYPERLINK(\"http://evil\",\"点我\")"}).status_code == 302
    office = browser("office")
    history = office.get(f"/documents/{doc.id}/history").get_data(True)
    assert f'href="/documents/{doc.id}/history.csv"' in history
    assert "history.csv" not in browser("drafter").get(f"/documents/{doc.id}/history").get_data(True)
    response = office.get(f"/documents/{doc.id}/history.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["记录编号", "时间", "操作人", "角色", "操作"]
    actions = [r[4] for r in rows[1:]]
    assert actions == ["起草", "提交", "审核通过", "分管领导审签同意", "退回拟稿人"]
    send_back = rows[-1]
    assert send_back[12].startswith("'=HYPERLINK")                  # not a formula
    event = db.session.scalars(select(Event).filter_by(document_id=doc.id, action=Action.SEND_BACK)).one()
    assert send_back[14] == event.hash

    with office.app.app_context():                  # binary: not through the token reader
        xlsx = office.client.get(f"/documents/{doc.id}/history.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.values)
    assert values[0][0] == "记录编号" and len(values) == 6
    assert values[-1][12].startswith("'=") and values[-1][0] == event.id
    assert sheet.title == "流转记录"

    assert browser("drafter").get(f"/documents/{doc.id}/history.csv").status_code == 403
    assert office.get(f"/documents/{doc.id}/history.pdf").status_code == 404


def test_the_office_exports_a_period_history(db, users, browser, make_document):
    make_document(State.OFFICE_CHECK)
    admin = browser("admin")
    assert admin.post("/admin/divisions", {"name": "财务审计科"}).status_code == 302
    office = browser("office")
    today = local_today()
    page = office.get(f"/office/history?start={today}&end={today}")
    assert page.status_code == 200
    body = page.get_data(True)
    assert "添加科室" in body and "财务审计科" in body and "提交" in body
    total = db.session.query(Event).count()
    assert f"共 {total} 条记录" in body
    export = office.get(f"/office/history.csv?start={today}&end={today}")
    rows = list(csv.reader(io.StringIO(export.get_data(True).lstrip("\ufeff"))))
    assert len(rows) == total + 1
    assert "history-" in export.headers["Content-Disposition"]

    # Nothing yesterday; a period the wrong way round or a broken date is refused in place.
    yesterday = today - timedelta(days=1)
    empty = office.get(f"/office/history.csv?start={yesterday}&end={yesterday}")
    assert len(list(csv.reader(io.StringIO(empty.get_data(True).lstrip("\ufeff"))))) == 1
    wrong = office.get(f"/office/history?start={today}&end={yesterday}")
    assert wrong.status_code == 422 and "截止日期不能早于起始日期" in wrong.get_data(True)
    garbage = office.get("/office/history.xlsx?start=2026-13-45&end=99999-01-01")
    assert garbage.status_code == 422 and "请按“年-月-日”填写日期" in garbage.get_data(True)
    assert 'value="2026-13-45"' in garbage.get_data(True)           # what was typed is kept
    assert browser("principal").get("/office/history").status_code == 403


def test_the_period_page_opens_on_this_month(db, users, browser, make_document):
    make_document(State.OFFICE_CHECK)
    page = browser("office").get("/office/history")
    assert page.status_code == 200
    body = page.get_data(True)
    assert f'value="{local_today().replace(day=1)}"' in body and "提交" in body


def test_the_migration_chains_the_events_already_written(app, db):
    """A database with events written before the chain existed: upgraded, they are chained in id
    order, and the signed-off 不予公开 document gets its first re-review date (12 months on)."""
    from flask_migrate import upgrade
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(revision="8a1f3c2d9e47")                       # the revision before the chain
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO division (id, name) VALUES (1, '综合规划科')"))
        conn.execute(text('INSERT INTO "user" (id, username, name, password_hash, role, division_id, '
                          "active, created_at, session_epoch) VALUES (1, 'zhang', '张明', 'x', "
                          "'drafter', 1, :t, '2025-01-02 03:00:00', 0)"), {"t": True})
        conn.execute(text(
            "INSERT INTO document (id, title, division_id, drafter_id, body_html, is_urgent, channels, "
            "disclosure, legal_basis, reason_text, state, version_no, created_at, updated_at, "
            "approved_at, signed_on, signed_on_by_hand, is_decision, interpretation_html, lock_version) "
            "VALUES (1, '请示', 1, 1, '<p>正文</p>', :f, '', 'withheld', 'art16_process', '过程性信息。', "
            "'archived', 1, '2025-01-02 03:00:00', '2025-01-02 03:00:00', '2025-01-05 03:00:00', "
            "'2025-01-05', :f, :f, '', 1)"), {"f": False})
        for i, (action, to, comment) in enumerate([("create", "draft", ""), ("submit", "office_check", ""),
                                                   ("principal_sign_off", "archived", "同意。")], 1):
            conn.execute(text(
                "INSERT INTO event (document_id, actor_id, actor_role, action, to_state, before, "
                "after, comment, version_no, at) VALUES (1, 1, 'drafter', :a, :to, '', '', :c, 1, "
                ":at)"), {"a": action, "to": to, "c": comment,
                          "at": f"2025-01-0{i + 1} 03:00:00.{i:06d}"})
    upgrade()
    db.session.expire_all()
    check = verify_chain()
    assert check.ok and check.checked == 3, check.problem
    hashes = [e.prev_hash for e in all_events(db)]
    assert hashes[0] == GENESIS_HASH and len(set(hashes)) == 3
    doc = db.session.get(Document, 1)
    assert (doc.review_from, doc.next_review_on) == (date(2025, 1, 5), date(2026, 1, 5))
    # and the app goes on appending to that chain
    record(Action.SETTING_CHANGE, None, subject="setting:x", after="1")
    db.session.commit()
    assert verify_chain().ok and verify_chain().checked == 4
