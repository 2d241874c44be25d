"""WTForms classes; every message is Chinese.  CSRF comes from Flask-WTF's FlaskForm.

Values are cleaned (``sanitize``) before they are validated, so a title made only of markup or
of invisible characters is empty and refused like any empty title.
"""
import re

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, RadioField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from . import passwords
from .calendar.entry import holidays_required, parse_lines
from .labels import DOCUMENT_FIELDS as F
from .labels import Channel, Disclosure, LegalBasis, Role
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

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.is_decision.data and not self.decision_date.data and not self.decision_date.errors:
            self.decision_date.errors = ["行政许可、行政处罚决定须填写决定日期。"]
            return False
        return valid

    def fill_from(self, doc, editable_body):
        super().fill_from(doc, editable_body)
        self.body_html.data = editable_body(doc.body_html)
        self.interpretation_html.data = editable_body(doc.interpretation_html)

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
        )


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
