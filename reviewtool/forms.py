"""WTForms classes; every message is Chinese.  CSRF comes from Flask-WTF's FlaskForm."""
import re

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, PasswordField, RadioField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .labels import Channel, Disclosure, LegalBasis, Role

REQUIRED = "此项为必填项。"
URL_PATTERN = re.compile(r"^https?://[^\s/?#<>\"']+\.[^\s/?#<>\"']+([/?#][^\s<>\"']*)?$", re.I)


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def too_long(n):
    return Length(max=n, message=f"不能超过{n}个字。")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), too_long(64)])
    password = PasswordField("密码", validators=[DataRequired(REQUIRED)])


class DisclosureForm(FlaskForm):
    """The disclosure review (公开属性审查) alone: what a signed-off urgent document still owes."""
    channels = MultiCheckboxField("公开方式", choices=options(Channel.choices()), validate_choice=True)
    disclosure = RadioField("公开属性", choices=options(Disclosure.choices()), validators=[Optional()],
                            validate_choice=True)
    legal_basis = SelectField("法律依据", validators=[Optional()], validate_choice=False)
    reason_text = TextAreaField("理由说明", validators=[too_long(2000)],
                                description="结合公文内容写明不主动公开的具体理由")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        disclosure = Disclosure.get(self.disclosure.data) if self.disclosure.data else None
        bases = LegalBasis.for_disclosure(disclosure) if disclosure else list(LegalBasis)
        self.legal_basis.choices = options([("", "请选择法律依据")] + [(b.value, b.full_label) for b in bases])

    @property
    def chosen_disclosure(self):
        return Disclosure.get(self.disclosure.data) if self.disclosure.data else None

    def validate_legal_basis(self, field):
        if field.data and LegalBasis.get(field.data) is None:
            raise ValidationError("请从列表中选择法律依据。")

    def document_fields(self, clean_text, clean_body):
        """The values to store, cleaned; the basis and reason only where the attribute needs them."""
        disclosure = self.chosen_disclosure
        needs_reason = bool(disclosure and disclosure.needs_reason)
        return dict(
            channels=",".join(self.channels.data or []),
            disclosure=disclosure.value if disclosure else None,
            legal_basis=(self.legal_basis.data or None) if needs_reason else None,
            reason_text=clean_text(self.reason_text.data) if needs_reason else "",
        )


class DocumentForm(DisclosureForm):
    title = StringField("标题", validators=[DataRequired("请填写标题。"), too_long(200)])
    doc_number = StringField("文号", validators=[Optional(), too_long(64)],
                             description="如：某交办〔2026〕12号；签发前可暂不填写")
    body_html = TextAreaField("正文", description="可直接粘贴文字，也可粘贴带格式的内容")
    is_urgent = BooleanField("紧急公文（报送时限较紧，可先行报送，3个工作日内补齐公开属性审查）")
    is_decision = BooleanField("行政许可、行政处罚决定（7个工作日内公开）")
    decision_date = DateField("决定日期", validators=[Optional()], format="%Y-%m-%d")
    interpretation_html = TextAreaField("政策解读材料", description="与公文同步起草、同步审签；公文发布后3个工作日内发布")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.is_decision.data and not self.decision_date.data and not self.decision_date.errors:
            self.decision_date.errors = ["行政许可、行政处罚决定须填写决定日期。"]
            return False
        return valid

    def document_fields(self, clean_text, clean_body):
        return dict(
            super().document_fields(clean_text, clean_body),
            title=clean_text(self.title.data),
            doc_number=clean_text(self.doc_number.data) or None,
            body_html=clean_body(self.body_html.data),
            is_urgent=bool(self.is_urgent.data),
            is_decision=bool(self.is_decision.data),
            decision_date=self.decision_date.data if self.is_decision.data else None,
            interpretation_html=clean_body(self.interpretation_html.data),
        )


class BulkReturnForm(FlaskForm):
    comment = TextAreaField("附言", validators=[too_long(500)])


class PublishForm(FlaskForm):
    published_on = DateField("发布日期", validators=[DataRequired("请填写发布日期。")],
                             format="%Y-%m-%d")
    channel = SelectField("发布渠道", choices=options(Channel.choices()),
                          validators=[DataRequired("请选择发布渠道。")])
    url = StringField("链接", validators=[too_long(500)])
    comment = TextAreaField("备注", validators=[too_long(500)])

    def validate_url(self, field):
        value = (field.data or "").strip()
        if not value:
            if self.channel.data == Channel.PORTAL.value:
                raise ValidationError("发布到门户网站的，须填写网页链接。")
            return
        if not URL_PATTERN.match(value):
            raise ValidationError("请填写以 http:// 或 https:// 开头的完整链接。")


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), too_long(64)])
    name = StringField("姓名", validators=[DataRequired(REQUIRED), too_long(64)])
    role = SelectField("角色", choices=options(Role.choices()), validators=[DataRequired(REQUIRED)])
    division_id = SelectField("所在科室", coerce=int, validate_choice=True)
    led_division_ids = MultiCheckboxField("分管科室", coerce=int)
    password = PasswordField("密码", validators=[Optional(), Length(min=8, message="密码至少8位。")])
    active = BooleanField("启用", default=True)

    def validate_division_id(self, field):
        if self.role.data == Role.DRAFTER.value and not field.data:
            raise ValidationError("拟稿人须选择所在科室。")

    def validate_led_division_ids(self, field):
        if self.role.data == Role.DIVISION_HEAD.value and not field.data:
            raise ValidationError("分管领导须选择至少一个分管科室。")


class DivisionForm(FlaskForm):
    name = StringField("科室名称", validators=[DataRequired(REQUIRED), too_long(80)])


class CalendarYearForm(FlaskForm):
    """One year's holidays and make-up workdays, as lines of text (see workdays.parse_lines)."""
    days = TextAreaField("放假日期和调休上班日期", validators=[too_long(20000)],
                         description="每行一条：日期 类型 名称。类型写 holiday（放假）或 workday（调休上班）；"
                                     "连续几天可写成 2027-02-05~2027-02-11；以 # 开头的行为备注。")
    maintained = BooleanField("本年度放假和调休安排已完整录入并核对（已维护）")
    note = StringField("依据", validators=[too_long(200)],
                       description="如：国务院办公厅关于2027年部分节假日安排的通知")

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.entries = []

    def validate_days(self, field):
        from .workdays import parse_lines
        self.entries, errors = parse_lines(field.data, self.year)
        if errors:
            field.errors.extend(errors[:-1])      # one message per faulty line
            raise ValidationError(errors[-1])

    def validate_maintained(self, field):
        from .labels import DayKind
        from .workdays import PACKAGE_YEARS
        if (field.data and self.year not in PACKAGE_YEARS and not self.days.errors
                and not any(e.kind == DayKind.HOLIDAY.value for e in self.entries)):
            raise ValidationError(f"{self.year}年不在软件包覆盖范围内：标记为已维护前，"
                                  "请先录入该年的放假日期。")
