"""``flask sweep``: what time brings, run nightly and each morning (README: cron, systemd timer).

1. Notifications (消息): every open clock due within 2 working days tells whoever owes it; every
   overdue clock tells them and the heads of the owning division; every re-review whose date
   has come tells the office.
2. When SMTP is configured (``MAIL_SERVER``), a daily digest per person with an e-mail address:
   what waits in their lists, what they owe that is overdue, the re-reviews due (office).

Running it again changes nothing: a notification's key is unique per person (one per clock,
document and due date), and a digest is sent at most once per person and day (``DigestLog``).
A run that wrote or sent anything is one Event (``sweep``) in the audit trail.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from . import mail
from .audit import record
from .calendar.workdays import add_working_days
from .dates import local_today
from .deadlines import RULES, TRACKED, open_clocks, overdue_cutoff, running_filter
from .extensions import db
from .labels import Action, NoticeKind, Role
from .models import DigestLog, Document, User
from .notifications import people, re_review_due, unread_count, write
from .queries import reviews
from .queries.worklists import count_in, documents_in, worklists_for

DUE_SOON_WORKING_DAYS = 2
DIGEST_LIST = 10          # titles per list in a digest


@dataclass
class Sweep:
    today: object
    notified: int = 0
    digests: int = 0
    failures: list = field(default_factory=list)       # addresses a digest could not reach
    mail_error: str = ""
    overdue: dict = field(default_factory=lambda: defaultdict(list))   # user id → [(doc, clock)]
    division_overdue: dict = field(default_factory=lambda: defaultdict(list))   # heads: the same


def run(today=None, send_mail=True):
    """One sweep: notifications, then digests.  The caller commits."""
    sweep = Sweep(today or local_today())
    cache = {}
    _clocks(sweep, cache)
    due = reviews.due_now(sweep.today)
    sweep.notified += re_review_due(due, cache)
    if send_mail and mail.configured(current_app.config):
        _digests(sweep, due)
    if sweep.notified or sweep.digests:
        record(Action.SWEEP, None, subject=f"sweep:{sweep.today}",
               after=f"新增提醒{sweep.notified}条；发送每日摘要{sweep.digests}封")
    db.session.flush()
    return sweep


def _clocks(sweep, cache):
    """Due within 2 working days, or overdue: the clocks whose start is early enough."""
    today = sweep.today
    soon_until = add_working_days(today, DUE_SOON_WORKING_DAYS).date
    for clock in TRACKED:
        start = getattr(Document, RULES[clock].start)
        docs = db.session.scalars(
            select(Document).options(joinedload(Document.drafter), joinedload(Document.division))
            .where(running_filter(clock), start < overdue_cutoff(clock, soon_until + timedelta(days=1)))
            .order_by(Document.id)).unique().all()
        for doc in docs:
            running = next((c for c in open_clocks(doc, today) if c.clock == clock), None)
            if running is None or running.days_left > DUE_SOON_WORKING_DAYS:
                continue
            owers = people(doc, running.owed_by, cache)
            tag = f"{clock.value}:{doc.id}:{running.due}"
            if running.overdue:
                late = -running.days_left
                sweep.notified += write(owers, NoticeKind.OVERDUE,
                                        f"《{doc.title}》{clock.label}已超期{late}个工作日"
                                        f"（{running.due}到期）", f"overdue:{tag}", doc)
                heads = [h for h in people(doc, Role.DIVISION_HEAD, cache) if h not in owers]
                sweep.notified += write(heads, NoticeKind.DIVISION_OVERDUE,
                                        f"{doc.division.name}《{doc.title}》{clock.label}已超期"
                                        f"{late}个工作日（{running.due}到期，由{running.owed_by.label}办理）",
                                        f"division_overdue:{tag}", doc)
                for user in owers:
                    sweep.overdue[user.id].append((doc, running))
                for user in heads:
                    sweep.division_overdue[user.id].append((doc, running))
            else:
                left = "今日到期" if running.days_left == 0 else f"剩{running.days_left}个工作日"
                sweep.notified += write(owers, NoticeKind.DUE_SOON,
                                        f"《{doc.title}》{clock.label}将于{running.due}到期（{left}）",
                                        f"due_soon:{tag}", doc)


# --- the daily digest --------------------------------------------------------------------------
def _digests(sweep, due_reviews):
    config = current_app.config
    sent_today = set(db.session.scalars(select(DigestLog.user_id).where(DigestLog.day == sweep.today)))
    recipients = db.session.scalars(select(User).where(
        User.active.is_(True), User.email.isnot(None), User.email != "").order_by(User.id)).all()
    outgoing = []
    for user in recipients:
        if user.id in sent_today:
            continue
        body, subject = digest_for(user, sweep, due_reviews)
        if body:
            outgoing.append((user, mail.message(config, user.email, subject, body)))
    if not outgoing:
        return
    try:
        results = mail.send(config, [m for _, m in outgoing])
    except Exception as error:          # noqa: BLE001 - any SMTP/OS failure: report, keep the rest
        sweep.mail_error = f"无法连接邮件服务器 {config['MAIL_SERVER']}:{config.get('MAIL_PORT')}：{error}"
        return
    for (user, _), (_, error) in zip(outgoing, results):
        if error is None:
            db.session.add(DigestLog(user_id=user.id, day=sweep.today, address=user.email))
            sweep.digests += 1
        else:
            sweep.failures.append(f"{user.email}：{error}")


def _link(path):
    base = current_app.config.get("APP_URL") or ""
    return f"  {base.rstrip('/')}{path}" if base else ""


def digest_for(user, sweep, due_reviews):
    """(body, subject) of one person's digest; body "" when nothing waits and nothing is overdue."""
    lines, waiting = [], 0
    for worklist in worklists_for(user):
        if not worklist.todo:
            continue
        n = count_in(worklist, user)
        if not n:
            continue
        waiting += n
        lines.append(f"【{worklist.label}】{n}件")
        for doc in documents_in(worklist, user, limit=DIGEST_LIST):
            lines.append(f"  · {doc.title}{_link(f'/documents/{doc.id}')}")
    overdue = sweep.overdue.get(user.id, [])
    for label, items in (("已超期", overdue), ("分管科室超期", sweep.division_overdue.get(user.id, []))):
        if items:
            lines.append(f"【{label}】{len(items)}项")
        for doc, running in items[:DIGEST_LIST * 2]:
            lines.append(f"  · {doc.title}：{running.clock.label}，{running.due}到期，"
                         f"已超期{-running.days_left}个工作日{_link(f'/documents/{doc.id}')}")
    reviews_due = due_reviews if user.has_role(Role.OFFICE) else []
    if reviews_due:
        lines.append(f"【定期评估审查到期】{len(reviews_due)}件{_link('/office/re-review')}")
        for doc in reviews_due[:DIGEST_LIST]:
            lines.append(f"  · {doc.title}（{doc.next_review_on}）")
    if not lines:
        return "", ""
    unread = unread_count(user)
    head = [f"{user.name}，您好：", "",
            f"截至{sweep.today:%Y年%m月%d日}，您有待办{waiting}件、已超期{len(overdue)}项"
            + (f"、未读消息{unread}条" if unread else "") + "。", ""]
    subject = f"【公文公开属性审查】{sweep.today} 待办{waiting}件，超期{len(overdue)}项"
    return "\n".join(head + lines + ["", "（本邮件由系统每日自动发送，请勿回复。）"]), subject
