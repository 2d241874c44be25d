"""Demo data: divisions, one user per role, and documents in every state.

The documents are built from the real bureau texts in ``reviewtool/seeds/`` and are
moved through the real workflow, so their histories are what the tool would record.
"""
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from . import rereview, sweep
from .audit import record
from .dates import add_months, local_today
from .extensions import db
from .labels import Action, Channel, Disclosure, LegalBasis, Role, State
from .gongwen import docx_out
from .models import (Attachment, AuditChainHead, CalendarYear, CatalogueEntry, ConfidentialityCheck,
                     DigestLog, Division, Document, DocumentVersion, Event, Notification,
                     PiiResolution, RedactionSpan, ReReview, SerialCounter, Setting, User,
                     VersionAttachment, division_leaders)
from .operations import add_attachment, add_redaction_span, link_decision
from .sanitize import clean_body
from .workflow import create_document, perform

SEEDS = Path(__file__).resolve().parent / "seeds"
DEMO_PASSWORD = "Demo-2026-gk"

DIVISIONS = ["综合规划科", "建设管理科", "运输管理科", "安全监督科", "政策法规科"]

USERS = [  # username, name, role, division, led divisions
    ("nigao", "张明", Role.DRAFTER, "综合规划科", []),
    ("nigao2", "李华", Role.DRAFTER, "运输管理科", []),
    ("fenguan", "王强", Role.DIVISION_HEAD, None, ["综合规划科", "建设管理科", "政策法规科"]),
    ("fenguan2", "赵磊", Role.DIVISION_HEAD, None, ["运输管理科", "安全监督科"]),
    ("zhuyao", "陈建国", Role.PRINCIPAL, None, []),
    ("bangong", "刘芳", Role.OFFICE, None, []),
    ("admin", "系统管理员", Role.ADMIN, None, []),
]


def seed_paragraphs(name, start=0, count=4):
    """Paragraphs of a seed text, without its portal header lines."""
    path = next(SEEDS.glob(f"{name}_*.txt"))
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("- ")]
    return lines[start:start + count]


def body_from(name, start=0, count=4):
    return clean_body("\n".join(seed_paragraphs(name, start, count)))


REASON_PROCESS = "本文为向市政府报送的请示，属于内部请示报告类过程性信息，所涉项目尚在论证，公开可能引起误解。"
REASON_THIRD = "附件列有运输企业名称、负责人姓名及联系电话等个人信息和经营数据，公开会损害第三方合法权益。"
REASON_SEPARABLE = "正文可以公开；附件中涉及当事人身份信息和处罚裁量的内容删除后公开。"
REASON_ON_REQUEST = "本文为针对个别企业的答复函，不涉及公众利益调整，不属于主动公开范围，可依申请公开。"

# title, drafter, attribute, basis, reason, channels, where it ends, 文号, seed text
DOCUMENTS = [
    ("关于印发《泉州市交通运输局政务公开工作实施细则》的通知", "nigao", Disclosure.PROACTIVE, None, "",
     [Channel.PORTAL, Channel.ARCHIVES], State.PUBLISH_QUEUE, "泉交办〔2020〕19号", ("001", 1, 1)),
    ("关于印发2018年政务公开工作要点的通知", "nigao", Disclosure.PROACTIVE, None, "",
     [Channel.PORTAL, Channel.NEW_MEDIA], State.PUBLISHED, "交办〔2018〕21号", ("003", 3, 1)),
    ("2018年基层政务公开工作实施方案", "nigao2", Disclosure.PROACTIVE, None, "",
     [Channel.PORTAL, Channel.BULLETIN], State.PRINCIPAL_REVIEW, None, ("000", 0, 6)),
    ("关于申请安排普通国省道养护专项资金的请示", "nigao", Disclosure.WITHHELD,
     LegalBasis.PROCESS, REASON_PROCESS, [], State.ARCHIVED, "交规〔2026〕7号", ("002", 3, 5)),
    ("关于全市道路运输企业安全生产检查情况的通报", "nigao2", Disclosure.REDACTED,
     LegalBasis.SEPARABLE, REASON_SEPARABLE, [Channel.PORTAL], State.DIVISION_REVIEW, None,
     ("004", 8, 5)),
    ("关于某客运公司线路经营调整申请的复函", "nigao2", Disclosure.ON_REQUEST,
     LegalBasis.NOT_PROACTIVE_SCOPE, REASON_ON_REQUEST, [], State.OFFICE_CHECK, None, ("002", 10, 4)),
    ("2020年政府信息公开工作年度报告", "nigao", Disclosure.PROACTIVE, None, "",
     [Channel.PORTAL], State.RETURNED, None, ("004", 0, 6)),
    ("关于开展交通运输行业政务公开培训的通知", "nigao", None, None, "", [], State.DRAFT, None,
     ("000", 6, 4)),
    ("关于道路运输从业人员信息核查的函", "nigao2", Disclosure.WITHHELD, LegalBasis.THIRD_PARTY,
     REASON_THIRD, [], State.ARCHIVED, "交运函〔2026〕3号", ("004", 12, 3)),
]

# The notices that print another text as their 附件 (a Word file made from the seed's text):
# title → (附件 name, its seed text, the notice's 主送机关 as the seed has it).
ANNEXES = {
    "关于印发《泉州市交通运输局政务公开工作实施细则》的通知":
        ("泉州市交通运输局政务公开工作实施细则", ("001", 6, 12), "局属各单位，局各科室"),
    "关于印发2018年政务公开工作要点的通知": ("2018年政务公开工作要点", ("003", 8, 10), "部属各单位、部内各司局"),
}


def paper(bureau):
    """The elements of the paper (GB/T 9704) a bureau's documents share."""
    return dict(issuer_mark=f"{bureau}文件", main_recipients="局属各单位，局各科室", signature=bureau,
                printed_by=f"{bureau}办公室")


# Documents migrated from the old office system, still in the office's queue without a tag.
LEGACY = [
    ("关于做好春运期间道路客运安全工作的通知", "nigao2", ("002", 14, 4)),
    ("关于进一步规范工程建设项目信息公开的通知", "nigao", ("003", 14, 4)),
]

PATH = [  # the actions that take a submitted document to each state, and who takes them
    (State.OFFICE_CHECK, []),
    (State.DIVISION_REVIEW, [(Action.OFFICE_PASS, "bangong", "公开属性及理由已核。")]),
    (State.PRINCIPAL_REVIEW, [(Action.OFFICE_PASS, "bangong", ""),
                              (Action.DIVISION_SIGN_OFF, "lead", "同意。")]),
    (State.PUBLISH_QUEUE, [(Action.OFFICE_PASS, "bangong", ""),
                           (Action.DIVISION_SIGN_OFF, "lead", "同意，拟主动公开。"),
                           (Action.PRINCIPAL_SIGN_OFF, "zhuyao", "同意签发。")]),
]


# What --reset empties, children before parents.
DOCUMENT_TABLES = (Notification, DigestLog, ReReview, Event, AuditChainHead, PiiResolution,
                   ConfidentialityCheck, CatalogueEntry, RedactionSpan, VersionAttachment,
                   DocumentVersion, Attachment, Document, SerialCounter)


def reset_demo():
    """Empty a demo database of its documents and the demo users (divisions and the calendar
    stay).  Only for a demo database: nothing in a real one is ever deleted."""
    for model in DOCUMENT_TABLES:
        db.session.execute(model.__table__.delete())
    demo = select(User.id).where(User.username.in_([u[0] for u in USERS])).scalar_subquery()
    db.session.execute(division_leaders.delete().where(division_leaders.c.user_id.in_(demo)))
    db.session.execute(update(Setting).where(Setting.updated_by_id.in_(demo)).values(updated_by_id=None))
    db.session.execute(update(CalendarYear).where(CalendarYear.entered_by_id.in_(demo))
                       .values(entered_by_id=None))
    db.session.execute(User.__table__.delete().where(User.username.in_([u[0] for u in USERS])))
    db.session.commit()


def seed(reset=False):
    if reset:
        reset_demo()
    if db.session.scalar(select(User).filter_by(username="nigao")):
        return "演示数据已存在，未重复创建（如需重建请加 --reset）。"

    divisions = {name: db.session.scalar(select(Division).filter_by(name=name))
                 or Division(name=name) for name in DIVISIONS}
    db.session.add_all(divisions.values())
    users = {}
    for username, name, role, division, leads in USERS:
        user = User(username=username, name=name, role=role, active=True,
                    division=divisions.get(division), led_divisions=[divisions[d] for d in leads])
        user.set_password(DEMO_PASSWORD)
        users[username] = user
    db.session.add_all(users.values())
    db.session.flush()

    bureau = current_app.config["BUREAU_NAME"]
    for title, drafter, disclosure, basis, reason, channels, end, number, text in DOCUMENTS:
        author = users[drafter]
        doc = create_document(author, title=title, doc_number=number, body_html=body_from(*text),
                              disclosure=disclosure, legal_basis=basis, reason_text=reason,
                              channels=",".join(c.value for c in channels), **paper(bureau))
        if title in ANNEXES:                            # 附件: a real Word file, in 附件说明
            annex_title, seed_text, doc.main_recipients = ANNEXES[title]
            doc.attachment_note = annex_title
            doc.note = "联系人：局办公室，电话：0595-22500000"
            add_attachment(doc, author, docx_out.appendix(annex_title, body_from(*seed_text)),
                           f"{annex_title}.docx")
        if disclosure == Disclosure.REDACTED:           # 删减标注: the part to remove, with its basis
            add_redaction_span(doc, author, "根据新修订的《中华人民共和国政府信息公开条例》规定",
                               LegalBasis.THIRD_PARTY)
        if end != State.DRAFT:
            _walk(doc, end, users)
    _seed_deadlines(users)
    _seed_office_year(users)
    for title, drafter, text in LEGACY:
        author = users[drafter]
        doc = Document(title=title, drafter=author, division_id=author.division_id,
                       body_html=body_from(*text), state=State.OFFICE_CHECK, version_no=1)
        db.session.add(doc)
        db.session.flush()
        db.session.add(DocumentVersion.snapshot(doc, 1, author))
        record(Action.IMPORT, author, document=doc, to_state=State.OFFICE_CHECK,
               comment="原系统中未标注公开属性。")
    sweep.run(send_mail=False)                 # the reminders of today: due soon, overdue
    db.session.commit()
    return ("已创建演示数据：%d 个科室、%d 个用户、%d 件公文。所有演示账号的密码均为 %s。"
            % (len(divisions), len(users), len(DOCUMENTS) + len(LEGACY) + 3 + len(OFFICE_YEAR),
               DEMO_PASSWORD))


def _seed_deadlines(users):
    """An urgent document signed off before its disclosure review, an overdue draft and a
    licence decision: the clocks of the deadlines feature have something to show."""
    urgent = create_document(users["nigao2"], title="关于春运期间客运站临时交通管制的紧急通知",
                             body_html=body_from("002", 16, 3), is_urgent=True)
    _walk(urgent, State.PUBLISH_QUEUE, users)        # lands in review_pending: review still owed
    urgent.post_hoc_from = local_today() - timedelta(days=7)           # and by now overdue
    late = create_document(users["nigao"], title="关于报送2026年度交通建设项目公开清单的通知",
                           body_html=body_from("003", 20, 3), disclosure=Disclosure.PROACTIVE,
                           channels=Channel.PORTAL.value)
    late.office_clock_from = late.publish_clock_from = local_today() - timedelta(days=30)
    decision = create_document(users["nigao2"], title="关于某运输公司道路运输经营许可的决定",
                               body_html=body_from("004", 20, 2), disclosure=Disclosure.PROACTIVE,
                               channels=Channel.PORTAL.value, doc_number="交运许〔2026〕15号",
                               is_decision=True, decision_date=local_today() - timedelta(days=3))
    _walk(decision, State.DIVISION_REVIEW, users)


# 定期评估审查: documents signed off long ago, not (fully) disclosed.  title, drafter, attribute,
# basis, reason, months since sign-off, what the office did, seed text.
OFFICE_YEAR = [
    ("关于某物流公司超限运输车辆通行许可申请的答复函", "nigao2", Disclosure.ON_REQUEST,
     LegalBasis.NOT_PROACTIVE_SCOPE, REASON_ON_REQUEST, 13, None, ("002", 20, 3)),
    ("关于城市公交线网优化调整方案征求意见情况的报告", "nigao", Disclosure.WITHHELD, LegalBasis.PROCESS,
     "本文为向市政府报送的征求意见情况报告，属于过程性信息，调整方案尚未决定，公开可能引起误解。", 14,
     Action.CONVERT_TO_PROACTIVE, ("000", 10, 3)),
    ("关于2025年度道路运输企业质量信誉考核结果的报告", "nigao2", Disclosure.WITHHELD,
     LegalBasis.THIRD_PARTY, REASON_THIRD, 12, Action.CONVERT_TO_REDACTED, ("004", 30, 3)),
    ("关于机关车辆使用管理的内部通知", "nigao", Disclosure.WITHHELD, LegalBasis.INTERNAL,
     "本文规定机关公务用车的内部调度流程，属于内部管理信息，不涉及公众权利义务。", 13,
     Action.RE_REVIEW_KEEP, ("003", 24, 2)),
]
RE_REVIEW_REASONS = {
    Action.CONVERT_TO_PROACTIVE: "调整方案已经市政府批准并公布实施，征求意见情况不再属于过程性信息，可以主动公开。",
    Action.CONVERT_TO_REDACTED: "考核结果已向社会公示，报告中除企业负责人联系方式外均可公开，删除后转为删减后公开。",
    Action.RE_REVIEW_KEEP: "内部调度流程未发生变化，仍属于内部管理信息，维持不予公开。",
}


def _seed_office_year(users):
    """Documents signed a year or more ago, due for re-review; one kept, one converted to 主动公开
    (waiting for the principal), one to 删减后公开 (the office marks what is removed); the 请示 on
    road maintenance funds flagged because the 批复 it prepared is published."""
    office = users["bangong"]
    for title, drafter, disclosure, basis, reason, months, outcome, text in OFFICE_YEAR:
        doc = create_document(users[drafter], title=title, body_html=body_from(*text),
                              disclosure=disclosure, legal_basis=basis, reason_text=reason)
        _walk(doc, State.ARCHIVED, users)
        signed = add_months(local_today(), -months)
        doc.signed_on = signed
        rereview.schedule(doc, signed)
        if outcome is not None:
            channels = [Channel.PORTAL.value] if outcome != Action.RE_REVIEW_KEEP else []
            perform(doc, outcome, office, RE_REVIEW_REASONS[outcome], channels=channels)
    approval = create_document(users["nigao"], title="关于下达2026年普通国省道养护专项资金的批复",
                               doc_number="交规〔2026〕12号", body_html=body_from("001", 10, 3),
                               disclosure=Disclosure.PROACTIVE, channels=Channel.PORTAL.value)
    _walk(approval, State.PUBLISHED, users)
    request = db.session.scalar(select(Document).filter_by(title="关于申请安排普通国省道养护专项资金的请示"))
    link_decision(request, office, str(approval.id))


def _walk(doc, end, users):
    lead = next(u for u in users.values() if u.leads(doc.division_id))
    perform(doc, Action.SUBMIT, doc.drafter)
    if end == State.RETURNED:
        perform(doc, Action.OFFICE_PASS, users["bangong"])
        perform(doc, Action.SEND_BACK, lead, "请补充各渠道公开数量的统计口径说明后再报。")
        return
    target = State.PUBLISH_QUEUE if end in (State.PUBLISHED, State.ARCHIVED) else end
    steps = dict(PATH)[target]
    for action, who, comment in steps:
        perform(doc, action, lead if who == "lead" else users[who], comment)
    if end == State.PUBLISHED:
        perform(doc, Action.CONFIDENTIALITY_PASS, users["bangong"], "经审查，不涉及国家秘密和工作秘密。")
        perform(doc, Action.MARK_PUBLISHED, users["bangong"], "",
                published_on=local_today(), channel=Channel.PORTAL.value,
                url="https://jtj.example.gov.cn/zwgk/2018/21.html")
