"""删减标注: the drafter marks the spans of a redacted document's body to remove, each with its basis."""
from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from ..errors import Invalid, WorkflowError
from ..operations import add_redaction_span, withdraw_redaction_span
from ..permissions import can_mark_redaction
from ..publishing import redaction
from ..sanitize import safe_html
from .common import get_document_or_404, render

bp = Blueprint("redactions", __name__, url_prefix="/documents")


class RedactionSpanForm(FlaskForm):
    text = TextAreaField("要删除的原文", description="从正文中原样复制要删除的文字（可多次添加）")
    basis = SelectField("删减依据", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.basis.choices = [("", "请选择删减依据")] + [(b.value, b.full_label)
                                                      for b in redaction.bases()]


def _page(doc, form, status=200, error=None):
    spans = [(s, redaction.occurs(doc.body_html, s.text)) for s in doc.redaction_spans]
    return render("redactions/edit.html", status=status, doc=doc, form=form, error=error,
                  spans=spans, original=safe_html(doc.body_html),
                  copy=safe_html(redaction.redacted_html(doc)))


@bp.route("/<int:doc_id>/redactions", methods=["GET", "POST"])
@login_required
def edit(doc_id):
    doc = get_document_or_404(doc_id)
    if not can_mark_redaction(doc, current_user):
        abort(403)
    form = RedactionSpanForm()
    if form.is_submitted():
        if not form.validate():                               # the CSRF token
            return _page(doc, form, 400, "表单已失效，请刷新页面后重试。")
        try:
            add_redaction_span(doc, current_user, form.text.data, form.basis.data)
        except Invalid as error:
            for name, message in error.problems.items():
                getattr(form, name).errors = [message]
            return _page(doc, form, 422, "未能添加删减标注，请按提示更正。")
        except WorkflowError as error:
            return _page(doc, form, error.status, error.message)
        flash("已添加删减标注。", "success")
        return redirect(url_for("redactions.edit", doc_id=doc.id))
    return _page(doc, form)


@bp.post("/<int:doc_id>/redactions/<int:span_id>/withdraw")
@login_required
def withdraw(doc_id, span_id):
    doc = get_document_or_404(doc_id)
    withdraw_redaction_span(doc, current_user, span_id)
    flash("已撤销该删减标注。", "success")
    return redirect(url_for("redactions.edit", doc_id=doc.id))
