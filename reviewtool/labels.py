"""Every domain vocabulary of the tool, with its Simplified Chinese label, in one place.

Keys are what the database stores; labels are what people read.  Templates, forms and
error messages take their Chinese from here and nowhere else.
"""
from enum import Enum


class Labelled(str, Enum):
    """A string enum whose members carry a Chinese label (and optional extras)."""

    def __new__(cls, key, label, *extra):
        member = str.__new__(cls, key)
        member._value_ = key
        member.label = label
        member.extra = extra
        return member

    @classmethod
    def choices(cls, members=None):
        return [(m.value, m.label) for m in (members or cls)]

    @classmethod
    def get(cls, key):
        try:
            return cls(key)
        except ValueError:
            return None

    def __str__(self):
        return self.value


class Role(Labelled):
    DRAFTER = "drafter", "拟稿人"
    DIVISION_HEAD = "division_head", "分管领导"
    PRINCIPAL = "principal", "主要负责人"
    OFFICE = "office", "办公室"
    ADMIN = "admin", "系统管理员"


class State(Labelled):
    # key, label, css class of the badge
    DRAFT = "draft", "草稿", "badge-draft"
    OFFICE_CHECK = "office_check", "办公室审核", "badge-check"
    DIVISION_REVIEW = "division_review", "分管领导审签", "badge-review"
    PRINCIPAL_REVIEW = "principal_review", "主要负责人签发", "badge-review"
    RETURNED = "returned", "已退回", "badge-returned"
    PUBLISH_QUEUE = "publish_queue", "待发布", "badge-queue"
    PUBLISHED = "published", "已发布", "badge-done"
    ARCHIVED = "archived", "已归档", "badge-archived"
    # The urgent path: signed off before its disclosure review was complete (事后公开审查).
    REVIEW_PENDING = "review_pending", "已签发·待补公开审查", "badge-returned"
    REVIEW_DIVISION = "review_division", "公开审查·分管领导审签", "badge-review"
    REVIEW_PRINCIPAL = "review_principal", "公开审查·主要负责人审签", "badge-review"
    # The office's year — 定期评估审查: a conversion to 删减后公开 waits while the office marks what
    # is removed; every conversion waits for the principal's sign-off.
    CONVERT_REDACT = "convert_redact", "转为删减后公开·标注删减内容", "badge-check"
    CONVERT_SIGN = "convert_sign", "转为公开·主要负责人签发", "badge-review"

    @property
    def css(self):
        return self.extra[0]


class Disclosure(Labelled):
    # key, label, needs a written reason with legal basis
    PROACTIVE = "proactive", "主动公开", False
    ON_REQUEST = "on_request", "依申请公开", True
    REDACTED = "redacted", "删减后公开", True
    WITHHELD = "withheld", "不予公开", True

    @property
    def needs_reason(self):
        return self.extra[0]

    @property
    def needs_channel(self):
        """Proactive and redacted documents are published, so they need a channel."""
        return self in (Disclosure.PROACTIVE, Disclosure.REDACTED)

    # --- 公文 (GB/T 9704): what the paper says, and how open each attribute is ---------------
    @property
    def annotation(self):
        """The 附注 line the attribute puts on the paper, e.g. “（此件主动公开）”."""
        return f"（此件{self.label}）"

    @property
    def openness(self):
        """How open: 主动公开 > 删减后公开 > 依申请公开 > 不予公开 (a 转发 may not exceed its source)."""
        return {"proactive": 3, "redacted": 2, "on_request": 1, "withheld": 0}[self.value]


# --- 公文 (GB/T 9704-2012): the direction a document goes, and the files that travel with it -----
class Direction(Labelled):
    """行文方向: an 上行文 (请示、报告 to a higher authority) shows its 签发人 in the 版头."""
    DOWNWARD = "downward", "下行文"
    PARALLEL = "parallel", "平行文"
    UPWARD = "upward", "上行文"


class AttachmentKind(Labelled):
    """A file kept with a document: a 附件 (listed in 附件说明, published with a public document),
    the Word file a draft was imported from, or an image of the body."""
    ANNEX = "annex", "附件"
    SOURCE = "source", "导入的原始文件"
    IMAGE = "image", "正文图片"


class LegalBasis(Labelled):
    # key, label, article, attributes it may justify, the annual report's 不予公开 row (or None)
    STATE_SECRET = ("art14_secret", "依法确定为国家秘密", "第十四条", ("withheld",), "secret")
    PROHIBITED = ("art14_prohibited", "法律、行政法规禁止公开", "第十四条", ("withheld",), "prohibited")
    SECURITY = ("art14_security", "公开后可能危及国家安全、公共安全、经济安全、社会稳定", "第十四条",
                ("withheld",), "security")
    THIRD_PARTY = ("art15_third_party", "涉及商业秘密、个人隐私等，公开会损害第三方合法权益", "第十五条",
                   ("withheld",), "third_party")
    INTERNAL = ("art16_internal", "内部事务信息（人事管理、后勤管理、内部工作流程）", "第十六条第一款",
                ("withheld",), "internal")
    PROCESS = ("art16_process", "过程性信息（讨论记录、过程稿、磋商信函、请示报告）", "第十六条第二款",
               ("withheld",), "process")
    ENFORCEMENT = ("art16_enforcement", "行政执法案卷信息", "第十六条第二款", ("withheld",),
                   "enforcement")
    SEPARABLE = ("art37_separable", "含有不应公开的内容，但能够作区分处理", "第三十七条", ("redacted",),
                 None)
    NOT_PROACTIVE_SCOPE = ("not_proactive_scope", "不属于第十九条、第二十条规定的主动公开范围",
                           "第十九条、第二十条", ("on_request",), None)

    @property
    def article(self):
        return self.extra[0]

    @property
    def attributes(self):
        return self.extra[1]

    @property
    def report_row(self):
        """The annual report's 不予公开 row this basis is counted in (None: not a withholding basis)."""
        return ReportRow(self.extra[2]) if self.extra[2] else None

    @property
    def full_label(self):
        return f"{self.article}：{self.label}"

    @classmethod
    def for_disclosure(cls, disclosure):
        key = getattr(disclosure, "value", disclosure)
        return [b for b in cls if key in b.attributes]


class ReportRow(Labelled):
    """The eight 不予公开 rows of the annual report's table (国办公开办函〔2021〕30号, seed 004)."""
    SECRET = "secret", "1.属于国家秘密"
    PROHIBITED = "prohibited", "2.其他法律行政法规禁止公开"
    SECURITY = "security", "3.危及“三安全一稳定”"
    THIRD_PARTY = "third_party", "4.保护第三方合法权益"
    INTERNAL = "internal", "5.属于三类内部事务信息"
    PROCESS = "process", "6.属于四类过程性信息"
    ENFORCEMENT = "enforcement", "7.属于行政执法案卷"
    QUERY = "query", "8.属于行政查询事项"


class Channel(Labelled):
    PORTAL = "portal", "门户网站政府信息公开专栏"
    NEW_MEDIA = "new_media", "政务微信、政务新媒体"
    BULLETIN = "bulletin", "机关政务公开栏"
    SERVICE_WINDOW = "service_window", "政务服务中心窗口"
    ARCHIVES = "archives", "档案馆、图书馆报送"


class Action(Labelled):
    """Everything that can happen, to a document or to the tool's settings; each is audited."""
    CREATE = "create", "起草"
    EDIT = "edit", "修改"
    IMPORT = "import", "从原办公系统迁入"
    SUBMIT = "submit", "提交"
    OFFICE_PASS = "office_pass", "审核通过"
    RETURN_TO_DRAFTER = "return_to_drafter", "退文"
    DIVISION_SIGN_OFF = "division_sign_off", "分管领导审签同意"
    PRINCIPAL_SIGN_OFF = "principal_sign_off", "主要负责人签发"
    SEND_BACK = "send_back", "退回拟稿人"
    MARK_PUBLISHED = "mark_published", "登记发布"
    SUBMIT_REVIEW = "submit_review", "报送公开属性审查"
    MARK_INTERPRETATION_PUBLISHED = "mark_interpretation_published", "登记解读材料发布"
    # Before publishing (先审查后发布): the office's checks and catalogue entry.
    CONFIDENTIALITY_PASS = "confidentiality_pass", "保密审查通过"
    CONFIDENTIALITY_FAIL = "confidentiality_fail", "保密审查未通过（退回拟稿人）"
    CATALOGUE_EDIT = "catalogue_edit", "登记编目信息"
    PII_RESOLVE = "pii_resolve", "处理个人信息"
    # 删减后公开: the drafter marks what is removed.
    REDACTION_ADD = "redaction_add", "添加删减标注"
    REDACTION_WITHDRAW = "redaction_withdraw", "撤销删减标注"
    # The admin's acts.
    USER_CREATE = "user_create", "新建用户"
    USER_UPDATE = "user_update", "修改用户"
    DIVISION_CREATE = "division_create", "添加科室"
    CALENDAR_SAVE = "calendar_save", "保存节假日安排"
    SETTING_CHANGE = "setting_change", "修改系统设置"
    # security (issue 8): sessions ended, passwords changed, logins locked out.
    LOGOUT = "logout", "退出登录"
    PASSWORD_CHANGE = "password_change", "修改密码"
    SESSIONS_END = "sessions_end", "全部下线"
    LOGIN_LOCKOUT = "login_lockout", "登录失败次数过多，暂时锁定"
    # The office's year: periodic re-review (定期评估审查) and its conversions.
    RE_REVIEW_KEEP = "re_review_keep", "定期评估审查：维持原公开属性"
    CONVERT_TO_PROACTIVE = "convert_to_proactive", "定期评估审查：转为主动公开"
    CONVERT_TO_REDACTED = "convert_to_redacted", "定期评估审查：转为删减后公开"
    CONVERSION_SUBMIT = "conversion_submit", "报请主要负责人签发转为公开"
    CONVERSION_WITHDRAW = "conversion_withdraw", "撤回转为公开"
    CONVERSION_REFUSE = "conversion_refuse", "不同意转为公开（维持原公开属性）"
    RE_REVIEW_DATE = "re_review_date", "设定下次评估审查日期"
    RE_REVIEW_FLAG = "re_review_flag", "相关决定已公开，提请评估审查"
    LINK_DECISION = "link_decision", "关联所准备的决定"
    SWEEP = "sweep", "到期提醒巡检"
    # 公文 in and out (GB/T 9704): the drafter's Word import and the document's attachments (附件).
    IMPORT_DOCX = "import_docx", "从Word文件导入"
    ATTACHMENT_ADD = "attachment_add", "添加附件"
    ATTACHMENT_REMOVE = "attachment_remove", "移除附件"
    ATTACHMENT_PUBLISH = "attachment_publish", "设置附件是否公开"


# security (issue 8): who an Event names when nobody signed in did it (a lockout).
ACTOR_SYSTEM = "系统"
ACTOR_COMMAND_LINE = "命令行"

# What a button says where it differs from the action's name in the history.
ACTION_BUTTONS = {
    Action.RE_REVIEW_KEEP: "维持原公开属性",
    Action.CONVERT_TO_PROACTIVE: "转为主动公开",
    Action.CONVERT_TO_REDACTED: "转为删减后公开",
    Action.CONVERSION_SUBMIT: "报请主要负责人签发",
    Action.SUBMIT: "提交审核",
    Action.SUBMIT_REVIEW: "报送公开属性审查",
    Action.MARK_PUBLISHED: "登记为已发布",
    Action.MARK_INTERPRETATION_PUBLISHED: "登记解读材料已发布",
}

# The fields of a document, as forms, the history and error messages name them.
DOCUMENT_FIELDS = {
    "title": "标题", "doc_number": "文号", "body_html": "正文", "is_urgent": "紧急公文",
    "is_decision": "行政许可、行政处罚决定", "decision_date": "决定日期",
    "interpretation_html": "政策解读材料", "channels": "公开方式", "disclosure": "公开属性",
    "legal_basis": "法律依据", "reason_text": "理由说明",
    # The elements of a 公文 (GB/T 9704-2012).
    "issuer_mark": "发文机关标志", "direction": "行文方向", "signer": "签发人",
    "main_recipients": "主送机关", "attachment_note": "附件说明", "signature": "发文机关署名",
    "signed_on": "成文日期", "signed_on_by_hand": "成文日期（手工填写）", "note": "附注",
    "cc": "抄送机关", "printed_by": "印发机关", "printed_on": "印发日期",
    "forwards": "转发件", "source_issuer": "来文机关", "source_number": "来文文号",
    "source_disclosure": "来文公开属性",
}

# Who may take a step, as the refusal message names them.
WHO_DRAFTER_OF = "本公文的拟稿人"
WHO_OFFICE = "办公室"
WHO_DIVISION_HEAD = "分管该科室的领导"
WHO_PRINCIPAL = "主要负责人"
WHO_OFFICE_OR_DRAFTER = "办公室或拟稿人"
WHO_OFFICE_RE_REVIEW = "办公室（对未主动公开的公文）"
WHO_OFFICE_RE_REVIEW_WITHHELD = "办公室（对依申请公开、不予公开的公文）"


class Clock(Labelled):
    """The deadlines (in Chinese working days) a document can owe; key, label, length, owed by."""
    SEND_TO_OFFICE = "send_to_office", "报送办公室", 10, "drafter"
    PUBLISH = "publish", "主动公开发布", 20, "office"
    INTERPRETATION = "interpretation", "解读材料发布", 3, "drafter"
    POST_HOC_REVIEW = "post_hoc_review", "紧急件事后公开审查", 3, "drafter"
    DECISION = "decision", "许可、处罚决定公开", 7, "office"

    @property
    def working_days(self):
        return self.extra[0]

    @property
    def owed_by(self):
        return Role(self.extra[1])


ANNOTATION_PROACTIVE = "（此件主动公开）"

# Explanations that say nothing: "an empty or boilerplate-only explanation is not a reason".
BOILERPLATE_REASONS = {
    "无", "不公开", "不予公开", "不宜公开", "不便公开", "依申请公开", "删减后公开", "涉密", "保密",
    "内部文件", "内部资料", "按规定", "根据规定", "依法", "依规", "同上", "见上", "略", "其他",
}
MIN_REASON_CHARS = 10


class DayKind(Labelled):
    """One entry of the working-day calendar (节假日安排): a day off, or a make-up workday (调休上班)."""
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


# Shown wherever a working-day count used plain Monday–Friday for a year nobody maintained.
CALENDAR_UNMAINTAINED = "日历未维护"


# --- before publishing: personal data and the catalogue (政府信息公开目录) -----------------
class PiiKind(Labelled):
    """Personal data the scan finds in a body (去标识化, seed 003 item 20)."""
    ID_CARD = "id_card", "居民身份证号码"
    MOBILE = "mobile", "手机号码"
    BANK_CARD = "bank_card", "银行卡号"


class PiiDecision(Labelled):
    """What the office decided for one hit; every hit needs one before publishing."""
    REDACT = "redact", "删除（发布文本以■■■替代）"
    LAWFUL = "lawful", "确认依法可以公开"


# 主题分类: (code, name).  The default list; config CATALOGUE_CATEGORIES replaces it.
DEFAULT_CATEGORIES = (
    ("0101", "综合政务"),
    ("0204", "政务公开"),
    ("0301", "规划计划"),
    ("0501", "公路建设与养护"),
    ("0502", "道路运输"),
    ("0503", "水路运输"),
    ("0601", "安全生产"),
    ("0701", "行政许可"),
    ("0702", "行政处罚"),
)

# The catalogue's fields (目录信息), as the public page, the paper and the exports name them.
CATALOGUE_FIELDS = {
    "id": "编号", "title": "标题", "index_no": "索引号", "doc_number": "文号", "issuer": "发布机构",
    "formed_on": "公文生成日期", "published_on": "发布日期", "category_code": "主题分类代码",
    "category": "主题分类", "channel": "公开方式", "url": "链接", "validity": "有效性",
    "disclosure": "公开属性", "state_label": "状态",
}
VALID = "有效"


# --- the office's year: re-review, notifications, the annual report ------------------------------
class ReviewOutcome(Labelled):
    """What a periodic re-review (定期评估审查, 条例第十八条) decided for one document."""
    KEEP = "keep", "维持原公开属性"
    TO_PROACTIVE = "to_proactive", "转为主动公开"
    TO_REDACTED = "to_redacted", "转为删减后公开"


class ConversionResult(Labelled):
    """How a proposed conversion ended."""
    SIGNED = "signed", "主要负责人已签发"
    REFUSED = "refused", "主要负责人不同意"
    WITHDRAWN = "withdrawn", "办公室已撤回"


# The attributes a periodic re-review looks at again: everything not (fully) disclosed.
RE_REVIEWED = ("on_request", "redacted", "withheld")
# Bases tied to a moment: 过程性信息 may be disclosed once the decision it prepared is published.
TIME_BOUND_BASES = ("art16_process",)


class NoticeKind(Labelled):
    """What an in-app notification (消息) is about."""
    ARRIVED = "arrived", "待办"
    RETURNED = "returned", "退回"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已超期"
    DIVISION_OVERDUE = "division_overdue", "本科室超期"
    RE_REVIEW_DUE = "re_review_due", "定期评估审查到期"

# The columns of an exported history (流转记录导出).
HISTORY_COLUMNS = ("记录编号", "时间", "操作人", "角色", "操作", "公文编号", "公文标题", "对象", "原状态",
                   "新状态", "修改前", "修改后", "意见", "版本", "校验值")

# The annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号): what waits for issue 10's
# document types (信息类别), validity (有效性) and per-channel publications.
REPORT_WAITING = "待信息类别、有效性（第10号议题）上线后统计"
REPORT_OUT_OF_SCOPE = "不在本工具数据范围内"
