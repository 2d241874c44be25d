"""WTForms classes; every message is Chinese.  CSRF comes from Flask-WTF's FlaskForm.

Values are cleaned (``sanitize``) before they are validated, so a title made only of markup or
of invisible characters is empty and refused like any empty title.
"""
import re
from types import SimpleNamespace

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, RadioField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from . import passwords
from .calendar.entry import holidays_required, parse_lines
from .gongwen import parts
from .labels import DOCUMENT_FIELDS as F
from .labels import Channel, Direction, Disclosure, LegalBasis, Role
from .rules import signed_on_problems
from .sanitize import clean_body, clean_text, strip_invisible

REQUIRED = "此项为必填项。"
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[^@\s<>\"'(),;:]+$")
URL_PATTERN = re.compile(r"^https?://[^\s/?#<>\"']+\.[^\s/?#<>\"']+([/?#][^\s<>\"']*)?$", re.I)


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def too_long(n):
    return Length(max=n, message=f"不能超过{n}个字。")


# No plain-text field admits more than a few thousand characters: a value far longer is left as
# it came and refused by the field's length rule (cleaning 2 MB of text would cost seconds).
UNCLEANED_ABOVE = 50_000


def text_filter(value):
    """A plain-text field as it will be stored: markup and invisible characters gone."""
    if isinstance(value, str) and len(value) > UNCLEANED_ABOVE:
        return value
    return clean_text(value) if isinstance(value, str) or value is None else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), too_long(64)],
                           filters=[lambda v: strip_invisible(v).strip() if isinstance(v, str) else v])
    password = PasswordField("密码", validators=[DataRequired(REQUIRED), too_long(200)])


class PasswordChangeForm(FlaskForm):
    """修改密码: the user's own, with the old password; the policy is checked by ``operations``."""
    old_password = PasswordField("原密码", validators=[DataRequired(REQUIRED), too_long(200)])
    new_password = PasswordField("新密码", validators=[DataRequired(REQUIRED), too_long(200)],
                                 description=passwords.RULE)
    new_password2 = PasswordField("再次输入新密码", validators=[DataRequired(REQUIRED), too_long(200)])


class DisclosureForm(FlaskForm):
    """The disclosure review (公开属性审查) alone: what a signed-off urgent document still owes."""
    channels = MultiCheckboxField(F["channels"], choices=options(Channel.choices()), validate_choice=True)
    disclosure = RadioField(F["disclosure"], choices=options(Disclosure.choices()),
                            validators=[Optional()], validate_choice=True)
    legal_basis = SelectField(F["legal_basis"], validators=[Optional()], validate_choice=False)
    reason_text = TextAreaField(F["reason_text"], validators=[too_long(2000)], filters=[text_filter],
                                description="结合公文内容写明不主动公开的具体理由")
    # 转发: the source, part of the disclosure review (a forwarded document is not more open)
    source_issuer = StringField(F["source_issuer"], validators=[too_long(100)], filters=[text_filter],
                                description="如：交通运输部办公厅")
    source_number = StringField(F["source_number"], validators=[too_long(64)], filters=[text_filter],
                                description="如：交办政〔2026〕5号")
    source_disclosure = SelectField(F["source_disclosure"], validate_choice=True, default="",
                                    choices=options([("", "请选择来文的公开属性")] + Disclosure.choices()),
                                    description="以来文附注或来文机关的公开属性为准；本件不能比来文更公开")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        disclosure = self.chosen_disclosure
        bases = LegalBasis.for_disclosure(disclosure) if disclosure else list(LegalBasis)
        self.legal_basis.choices = options([("", "请选择法律依据")] + [(b.value, b.full_label) for b in bases])

    @property
    def chosen_disclosure(self):
        return Disclosure.get(self.disclosure.data) if self.disclosure.data else None

    def validate_legal_basis(self, field):
        if field.data and LegalBasis.get(field.data) is None:
            raise ValidationError("请从列表中选择法律依据。")

    def fill_from(self, doc, editable_body):
        """A GET of the edit form: what the document holds, as the fields show it."""
        self.channels.data = [c.value for c in doc.channel_list]
        self.disclosure.data = doc.disclosure.value if doc.disclosure else None
        self.legal_basis.data = doc.legal_basis.value if doc.legal_basis else ""
        self.source_disclosure.data = doc.source_disclosure.value if doc.source_disclosure else ""

    def show_problems(self, problems):
        """A refused submit's problems, each under its field (the attribute's when it has none)."""
        for name, message in problems.items():
            getattr(self, name, self.disclosure).errors = [message]

    def document_fields(self):
        """The values to store; the basis and reason only where the attribute needs them."""
        disclosure = self.chosen_disclosure
        needs_reason = bool(disclosure and disclosure.needs_reason)
        return dict(
            channels=",".join(self.channels.data or []),
            disclosure=disclosure,
            legal_basis=LegalBasis.get(self.legal_basis.data or "") if needs_reason else None,
            reason_text=self.reason_text.data if needs_reason else "",
            source_issuer=self.source_issuer.data or "",
            source_number=self.source_number.data or "",
            source_disclosure=Disclosure.get(self.source_disclosure.data or ""),
        )


class DocumentForm(DisclosureForm):
    title = StringField(F["title"], validators=[DataRequired("请填写标题。"), too_long(200)],
                        filters=[text_filter])
    doc_number = StringField(F["doc_number"], validators=[Optional(), too_long(64)], filters=[text_filter],
                             description="如：某交办〔2026〕12号；签发前可暂不填写")
    body_html = TextAreaField(F["body_html"], description="可直接粘贴文字，也可粘贴带格式的内容")
    is_urgent = BooleanField("紧急公文（报送时限较紧，可先行报送，3个工作日内补齐公开属性审查）")
    is_decision = BooleanField(F["is_decision"] + "（7个工作日内公开）")
    decision_date = DateField(F["decision_date"], validators=[Optional()], format="%Y-%m-%d")
    interpretation_html = TextAreaField(F["interpretation_html"],
                                        description="与公文同步起草、同步审签；公文发布后3个工作日内发布")
    # --- the Word import and the elements of the paper (GB/T 9704-2012) ---------------------------
    source_file = FileField("从 Word 文件导入",
                            description="上传 WPS 或 Word 保存的 .docx 文件，识别出的标题、主送机关、正文等填入下方，"
                                        "请逐项核对后保存。原文件作为附件保留。")
    issuer_mark = StringField(F["issuer_mark"], validators=[too_long(100)], filters=[text_filter],
                              description="如：某市交通运输局文件")
    direction = RadioField(F["direction"], choices=options(Direction.choices()),
                           default=Direction.DOWNWARD.value, validators=[Optional()],
                           validate_choice=True)
    signer = StringField(F["signer"], validators=[too_long(64)], filters=[text_filter],
                         description="上行文在版头标注签发人；在本系统签发的，由主要负责人签发时自动填写")
    main_recipients = StringField(F["main_recipients"], validators=[too_long(500)], filters=[text_filter],
                                  description="顶格编排，如：局属各单位，局各科室")
    attachment_note = TextAreaField(F["attachment_note"], validators=[too_long(2000)],
                                    filters=[text_filter], description="每行一个附件名称，按附件顺序排列")
    signature = StringField(F["signature"], validators=[too_long(200)], filters=[text_filter])
    signed_on = DateField(F["signed_on"], validators=[Optional()], format="%Y-%m-%d",
                          description="在本系统签发的不填：以主要负责人签发之日为成文日期；"
                                      "已在系统外签发的，填写实际成文日期")
    note = TextAreaField(F["note"], validators=[too_long(500)], filters=[text_filter],
                         description="公开属性的附注（如“（此件主动公开）”）由系统按公开属性生成，"
                                     "这里只填其他附注，如联系人及电话；每行一条")
    cc = StringField(F["cc"], validators=[too_long(500)], filters=[text_filter],
                     description="机关名称之间用顿号或逗号隔开")
    printed_by = StringField(F["printed_by"], validators=[too_long(100)], filters=[text_filter])
    printed_on = DateField(F["printed_on"], validators=[Optional()], format="%Y-%m-%d",
                           description="不填则与成文日期相同")
    forwards = BooleanField("本件为转发件（转发上级或其他机关的来文）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.doc_number_suggestion = None

    def validate_doc_number(self, field):
        problem = parts.doc_number_problem(field.data)
        if problem:
            self.doc_number_suggestion = problem[1]
            raise ValidationError(problem[0])

    def validate_note(self, field):
        if any(parts.attribute_in_note(line) for line in (field.data or "").splitlines()):
            raise ValidationError("公开属性的附注由系统按公开属性自动生成（如“（此件主动公开）”），"
                                  "不要在附注中填写，以免重复。")

    def validate_signed_on(self, field):
        problem = signed_on_problems(SimpleNamespace(signed_on=field.data, signed_on_by_hand=True))
        if problem:
            raise ValidationError(problem["signed_on"])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.is_decision.data and not self.decision_date.data and not self.decision_date.errors:
            self.decision_date.errors = ["行政许可、行政处罚决定须填写决定日期。"]
            return False
        return valid

    @property
    def doc_number_advice(self):
        """(message, suggestion) for a 发文字号 that breaks the form, as the form shows it."""
        return parts.doc_number_problem(self.doc_number.data)

    def fill_from(self, doc, editable_body):
        super().fill_from(doc, editable_body)
        self.body_html.data = editable_body(doc.body_html)
        self.interpretation_html.data = editable_body(doc.interpretation_html)
        self.direction.data = doc.direction.value if doc.direction else Direction.DOWNWARD.value
        self.signed_on.data = doc.signed_on if doc.signed_on_by_hand else None

    def fill_imported(self, fields, editable_body):
        """The parts a Word file gave, shown for the drafter to confirm (not saved yet); the
        attribute its 附注 states only where none is chosen."""
        for name, value in fields.items():
            if name == "disclosure":
                if value and not self.disclosure.data:
                    self.disclosure.data = value.value
            elif name == "body_html":
                self.body_html.data = editable_body(value)
            elif name in self._fields:
                self[name].data = value

    def document_fields(self):
        return dict(
            super().document_fields(),
            title=self.title.data,
            doc_number=self.doc_number.data or None,
            body_html=clean_body(self.body_html.data),
            is_urgent=bool(self.is_urgent.data),
            is_decision=bool(self.is_decision.data),
            decision_date=self.decision_date.data if self.is_decision.data else None,
            interpretation_html=clean_body(self.interpretation_html.data),
            issuer_mark=self.issuer_mark.data or "",
            direction=Direction.get(self.direction.data or "") or Direction.DOWNWARD,
            signer=self.signer.data or "",
            main_recipients=(self.main_recipients.data or "").rstrip("：:").strip(),
            attachment_note="\n".join(line.strip() for line in (self.attachment_note.data or "").splitlines()
                                       if line.strip()),
            signature=self.signature.data or "",
            signed_on=self.signed_on.data,
            signed_on_by_hand=self.signed_on.data is not None,
            note="\n".join(parts.unwrap_parentheses(line) for line in (self.note.data or "").splitlines()
                            if line.strip()),
            cc=self.cc.data or "",
            printed_by=self.printed_by.data or "",
            printed_on=self.printed_on.data,
            forwards=bool(self.forwards.data),
        )

    def tagging_fields(self):
        """The disclosure review as typed, where it is valid (a new draft made by an import keeps it)."""
        names = ("channels", "disclosure", "legal_basis", "reason_text")
        if all(self[name].validate(self) for name in names):
            fields = DisclosureForm.document_fields(self)
            return {k: v for k, v in fields.items() if k in names}
        return {}


class AttachmentForm(FlaskForm):
    """A 附件 for the document (plain POST with CSRF, multipart)."""
    file = FileField("添加附件", validators=[FileRequired("请选择要上传的文件。")])


class BulkReturnForm(FlaskForm):
    comment = TextAreaField("附言", validators=[too_long(500)], filters=[text_filter])


class PublishForm(FlaskForm):
    published_on = DateField("发布日期", validators=[DataRequired("请填写发布日期。")],
                             format="%Y-%m-%d")
    channel = SelectField("发布渠道", choices=options(Channel.choices()),
                          validators=[DataRequired("请选择发布渠道。")])
    url = StringField("链接", validators=[too_long(500)])
    comment = TextAreaField("备注", validators=[too_long(500)], filters=[text_filter])

    def validate_url(self, field):
        value = (field.data or "").strip()
        if not value:
            if self.channel.data == Channel.PORTAL.value:
                raise ValidationError("发布到门户网站的，须填写网页链接。")
            return
        if not URL_PATTERN.match(value):
            raise ValidationError("请填写以 http:// 或 https:// 开头的完整链接。")


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), too_long(64)],
                           filters=[text_filter])
    name = StringField("姓名", validators=[DataRequired(REQUIRED), too_long(64)], filters=[text_filter])
    role = SelectField("角色", choices=options(Role.choices()), validators=[DataRequired(REQUIRED)])
    division_id = SelectField("所在科室", coerce=int, validate_choice=True)
    led_division_ids = MultiCheckboxField("分管科室", coerce=int)
    password = PasswordField("密码", validators=[Optional(), too_long(200)],
                             description="新用户必填；修改已有用户时留空表示不变。" + passwords.RULE)
    email = StringField("电子邮箱（每日摘要，可不填）", validators=[too_long(254)], filters=[text_filter])
    active = BooleanField("启用", default=True)

    def validate_email(self, field):
        if field.data and not EMAIL_PATTERN.match(field.data):
            raise ValidationError("请填写有效的电子邮箱地址，如 zhangming@jtj.example.gov.cn。")

    def fill_from(self, user):
        self.division_id.data = user.division_id or 0
        self.led_division_ids.data = [d.id for d in user.led_divisions]
        self.role.data = user.role.value if user.role else None


class DivisionForm(FlaskForm):
    name = StringField("科室名称", validators=[DataRequired(REQUIRED), too_long(80)],
                       filters=[text_filter])


class CalendarYearForm(FlaskForm):
    """One year's holidays and make-up workdays, as lines of text (see calendar.entry.parse_lines)."""
    days = TextAreaField("放假日期和调休上班日期", validators=[too_long(20000)],
                         description="每行一条：日期 类型 名称。类型写 holiday（放假）或 workday（调休上班）；"
                                     "连续几天可写成 2027-02-05~2027-02-11；以 # 开头的行为备注。")
    maintained = BooleanField("本年度放假和调休安排已完整录入并核对（已维护）")
    note = StringField("依据", validators=[too_long(200)], filters=[text_filter],
                       description="如：国务院办公厅关于2027年部分节假日安排的通知")

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.entries = []

    def validate_days(self, field):
        self.entries, errors = parse_lines(field.data, self.year)
        if errors:
            field.errors.extend(errors[:-1])      # one message per faulty line
            raise ValidationError(errors[-1])

    def validate_maintained(self, field):
        problem = holidays_required(self.year, field.data, self.entries, bool(self.days.errors))
        if problem:
            raise ValidationError(problem)


# --- the office's year: history exports, re-review, notifications, the annual report ------------
class RefusedInChinese:
    """A field whose value, when it cannot be read, is refused with ``refusal`` (in Chinese)."""
    refusal = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.refusal) from None


class Day(RefusedInChinese, DateField):
    """A YYYY-MM-DD date; a year outside 2000–2100 is refused too (nothing the bureau records
    lies there)."""
    refusal = "请按“年-月-日”填写日期，如 2026-12-31。"

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not 2000 <= self.data.year <= 2100:
            self.data = None
            raise ValueError("日期须在2000年至2100年之间。")


class WholeNumber(RefusedInChinese, IntegerField):
    refusal = "请填写整数。"


class PeriodForm(FlaskForm):
    """A period of days (GET parameters ``start`` and ``end``): whose events to show and export."""
    class Meta:
        csrf = False

    start = Day("起始日期", validators=[InputRequired("请填写起始日期。")])
    end = Day("截止日期", validators=[InputRequired("请填写截止日期。")])

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("截止日期不能早于起始日期。")


class ReReviewForm(FlaskForm):
    """定期评估审查: the office's written reason and, for a conversion, the channels."""
    comment = TextAreaField("评估理由", validators=[InputRequired("请写明评估理由。"), too_long(2000)],
                            filters=[text_filter],
                            description="结合公文内容和情势变化，写明维持或转为公开的具体理由")
    channels = MultiCheckboxField("公开方式（转为公开时至少选择一种）", choices=options(Channel.choices()),
                                  validate_choice=True)


class NextReviewForm(FlaskForm):
    next_review_on = Day("下次评估审查日期", validators=[InputRequired("请填写日期。")])
    remark = StringField("说明", validators=[too_long(200)], filters=[text_filter])


class LinkDecisionForm(FlaskForm):
    decision = StringField("所准备的决定（公文编号或文号；留空则取消关联）",
                           validators=[too_long(64)], filters=[text_filter])


class ReReviewPeriodForm(FlaskForm):
    months = WholeNumber("定期评估审查周期（月）",
                          validators=[InputRequired("请填写月数。"),
                                      NumberRange(1, 120, "周期须为1至120之间的整月数。")])
