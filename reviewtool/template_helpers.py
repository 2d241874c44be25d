"""What templates may use: labels, the action → endpoint map, and the nav counts."""
from datetime import datetime

from flask import url_for
from flask_login import current_user

from . import catalogue
from .forms import PublishForm
from .models import local_today, to_local
from .labels import Clock, Action, Channel, Disclosure, LegalBasis, Role, State
from .workflow import can_edit
from .worklists import QUEUE_LIMIT, counts, worklists_for

# Which blueprint route performs each action (presentation wiring, not a rule).
ACTION_ENDPOINTS = {
    Action.SUBMIT: ("documents.submit", {}),
    Action.SUBMIT_REVIEW: ("documents.submit_review", {}),
    Action.OFFICE_PASS: ("office.pass_on", {}),
    Action.RETURN_TO_DRAFTER: ("office.return_to_drafter", {}),
    Action.DIVISION_SIGN_OFF: ("review.decide", {"action": Action.DIVISION_SIGN_OFF.value}),
    Action.PRINCIPAL_SIGN_OFF: ("review.decide", {"action": Action.PRINCIPAL_SIGN_OFF.value}),
    Action.SEND_BACK: ("review.decide", {"action": Action.SEND_BACK.value}),
    Action.MARK_PUBLISHED: ("publishing.mark_published", {}),
    Action.MARK_INTERPRETATION_PUBLISHED: ("publishing.mark_interpretation_published", {}),
    Action.CONFIDENTIALITY_PASS: ("publishing.confidentiality", {"result": "pass"}),
    Action.CONFIDENTIALITY_FAIL: ("publishing.confidentiality", {"result": "fail"}),
}
# Actions that reject or send back: shown as secondary, comment required.
BACKWARD_ACTIONS = {Action.RETURN_TO_DRAFTER, Action.SEND_BACK, Action.CONFIDENTIALITY_FAIL}


def action_url(action, doc):
    endpoint, extra = ACTION_ENDPOINTS[action]
    return url_for(endpoint, doc_id=doc.id, **extra)


def paper_body(doc):
    """The body as the paper shows it: for the office, a queued document's personal data marked."""
    if (current_user.is_authenticated and current_user.has_role(Role.OFFICE)
            and doc.state == State.PUBLISH_QUEUE.value):
        from markupsafe import Markup
        from .pii import highlight
        return Markup(highlight(doc.body_html))
    from markupsafe import Markup
    return Markup(doc.body_html or "")


def register(app):
    @app.context_processor
    def inject():
        nav = []
        if current_user.is_authenticated:
            numbers = counts(current_user)
            nav = [(w, numbers[w.key]) for w in worklists_for(current_user)]
        return dict(QUEUE_LIMIT=QUEUE_LIMIT, can_edit=can_edit, Clock=Clock, Action=Action, Channel=Channel, Disclosure=Disclosure, LegalBasis=LegalBasis,
                    Role=Role, State=State, action_url=action_url, BACKWARD_ACTIONS=BACKWARD_ACTIONS,
                    nav_worklists=nav, bureau_name=app.config["BUREAU_NAME"],
                    PublishForm=PublishForm, today=local_today,
                    paper_body=paper_body, prepublish=catalogue)

    @app.template_filter("cn_date")
    def cn_date(value):
        if isinstance(value, datetime):
            value = to_local(value)
        return f"{value.year}年{value.month}月{value.day}日" if value else ""

    @app.template_filter("dt")
    def dt(value):
        return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""
