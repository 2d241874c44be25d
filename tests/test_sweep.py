"""``flask sweep``: due-soon and overdue clocks and due re-reviews become notifications, and a
daily digest goes out by e-mail through a real SMTP server (aiosmtpd, started here).  Running it
twice notifies and mails once."""
import email
from datetime import date
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from reviewtool.calendar.workdays import add_working_days
from reviewtool.labels import Action, Disclosure, NoticeKind, State
from reviewtool.models import DigestLog, Event, Notification, User

from .servers import free_port

TODAY = date(2025, 3, 10)               # a Monday; the package covers 2025


class Inbox:
    """What a real SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content,
                                                                          policy=default_policy),
                              session.authenticated))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox, port = Inbox(), free_port()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"reviewtool" and auth_data.password == b"mail-secret"
        return AuthResult(success=ok)

    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def due_things(db, users, make_document):
    """An overdue draft and one due tomorrow (综合规划科, drafter), and a re-review due."""
    late = make_document(State.DRAFT, None, title="超期未报送的草稿")
    late.office_clock_from = date(2025, 2, 10)                        # due 2025-02-24
    soon = make_document(State.DRAFT, None, title="明日到期的草稿")
    due = add_working_days(TODAY, 1).date
    soon.office_clock_from = add_working_days(due, -10).date
    withheld = make_document(State.ARCHIVED, Disclosure.WITHHELD, title="待评估的不予公开公文")
    withheld.next_review_on = date(2025, 3, 1)
    db.session.commit()
    return late, soon, withheld


def sweep_notices(db):
    return db.session.scalars(select(Notification).where(Notification.key.notlike("event:%"))
                              .order_by(Notification.id)).all()


def test_sweep_twice_notifies_once(app, db, users, due_things):
    late, soon, withheld = due_things
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sweep", "--date", TODAY.isoformat()])
    assert first.exit_code == 0, first.output
    assert "新增提醒 4 条" in first.output and "发送每日摘要 0 封" in first.output
    made = {(n.user.username, n.kind, n.document_id) for n in sweep_notices(db)}
    assert made == {("drafter", NoticeKind.OVERDUE, late.id),
                    ("head", NoticeKind.DIVISION_OVERDUE, late.id),
                    ("drafter", NoticeKind.DUE_SOON, soon.id),
                    ("office", NoticeKind.RE_REVIEW_DUE, withheld.id)}
    overdue = next(n for n in sweep_notices(db) if n.kind == NoticeKind.OVERDUE)
    assert overdue.text == "《超期未报送的草稿》报送办公室已超期10个工作日（2025-02-24到期）"

    again = runner.invoke(args=["sweep", "--date", TODAY.isoformat()])
    assert again.exit_code == 0 and "新增提醒 0 条" in again.output
    assert len(sweep_notices(db)) == 4
    sweeps = db.session.scalars(select(Event).filter_by(action=Action.SWEEP)).all()
    assert len(sweeps) == 1 and sweeps[0].subject == "sweep:2025-03-10" and sweeps[0].actor_id is None

    # the next day the overdue clock is still overdue: nobody is told twice about the same one
    later = runner.invoke(args=["sweep", "--date", "2025-03-11"])
    assert "新增提醒 0 条" in later.output
    bad = runner.invoke(args=["sweep", "--date", "2025-13-01"])
    assert bad.exit_code != 0 and "日期格式应为 YYYY-MM-DD" in bad.output


def test_the_daily_digest_goes_through_a_real_smtp_server(app, db, users, due_things, smtp_server):
    inbox, port = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="gk@jtj.example.gov.cn",
                      MAIL_USERNAME="reviewtool", MAIL_PASSWORD="mail-secret",
                      APP_URL="https://gk.jtj.example.gov.cn")
    for username in ("drafter", "head", "office", "principal"):
        db.session.get(User, users[username].id).email = f"{username}@jtj.example.gov.cn"
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sweep", "--date", TODAY.isoformat()])
    assert first.exit_code == 0, first.output
    received = {tuple(to): (message, authenticated) for to, message, authenticated in inbox.messages}
    # the principal has nothing waiting and nothing overdue: no mail
    assert set(received) == {("drafter@jtj.example.gov.cn",), ("head@jtj.example.gov.cn",),
                             ("office@jtj.example.gov.cn",)}
    assert "发送每日摘要 3 封" in first.output
    drafter_mail, authenticated = received[("drafter@jtj.example.gov.cn",)]
    assert authenticated
    assert drafter_mail["Subject"] == "【公文公开属性审查】2025-03-10 待办2件，超期1项"
    assert "gk@jtj.example.gov.cn" in drafter_mail["From"]
    body = drafter_mail.get_content()
    assert "【我的草稿】" in body and "明日到期的草稿" in body
    assert "【已超期】1项" in body and "超期未报送的草稿：报送办公室，2025-02-24到期，已超期10个工作日" in body
    assert f"https://gk.jtj.example.gov.cn/documents/{due_things[0].id}" in body
    head_body = received[("head@jtj.example.gov.cn",)][0].get_content()
    assert "【分管科室超期】1项" in head_body
    office_body = received[("office@jtj.example.gov.cn",)][0].get_content()
    assert "【定期评估审查到期】1件" in office_body and "待评估的不予公开公文" in office_body

    again = runner.invoke(args=["sweep", "--date", TODAY.isoformat()])
    assert again.exit_code == 0 and "发送每日摘要 0 封" in again.output
    assert len(inbox.messages) == 3
    logs = db.session.scalars(select(DigestLog)).all()
    assert sorted(log.address for log in logs) == ["drafter@jtj.example.gov.cn", "head@jtj.example.gov.cn",
                                                   "office@jtj.example.gov.cn"]


def test_an_unreachable_mail_server_is_reported_and_the_notifications_kept(app, db, users,
                                                                          due_things):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    db.session.get(User, users["drafter"].id).email = "drafter@jtj.example.gov.cn"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["sweep", "--date", TODAY.isoformat()])
    assert result.exit_code == 1 and "无法连接邮件服务器" in result.output
    assert len(sweep_notices(db)) == 4
    assert db.session.scalars(select(DigestLog)).all() == []


def test_no_mail_without_a_server_configured(app, db, users, due_things, smtp_server):
    inbox, _ = smtp_server
    db.session.get(User, users["drafter"].id).email = "drafter@jtj.example.gov.cn"
    db.session.commit()
    assert app.config["MAIL_SERVER"] is None
    result = app.test_cli_runner().invoke(args=["sweep", "--date", TODAY.isoformat()])
    assert result.exit_code == 0 and inbox.messages == []


def test_the_admin_enters_the_digest_address(db, users, browser):
    admin = browser("admin")
    drafter = users["drafter"]
    form = {"username": "drafter", "name": "张明", "role": "drafter", "division_id": drafter.division_id,
            "active": "y"}
    refused = admin.post(f"/admin/users/{drafter.id}", {**form, "email": "不是邮箱"})
    assert refused.status_code == 422 and "请填写有效的电子邮箱地址" in refused.get_data(True)
    assert admin.post(f"/admin/users/{drafter.id}", {**form, "email": "zhangming@jtj.example.gov.cn"}
                      ).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, drafter.id).email == "zhangming@jtj.example.gov.cn"
    change = db.session.scalars(select(Event).filter_by(subject=f"user:{drafter.id}")).all()[-1]
    assert "电子邮箱：zhangming@jtj.example.gov.cn" in change.after
