"""What the document screens show, computed from the rules so that templates only lay it out:
the action panel (which buttons, which forms), the paper, the pre-publishing panel, the
redaction comparison — and acting on a document from a button of the panel."""
from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from .. import permissions
from ..dates import local_today
from ..deadlines import open_clocks
from ..errors import Invalid, WorkflowError
from ..forms import AttachmentForm, PublishForm
from ..gongwen import files, parts
from ..labels import ACTION_BUTTONS, Action, Disclosure, State
from ..publishing import catalogue, pii, redaction
from ..sanitize import clean_text, safe_html
from ..workflow import allowed_actions, needs_comment, perform
from .common import action_url, get_document_or_404, render, wants_fragment

PUBLICATION_FORMS = {Action.MARK_PUBLISHED: "publish_form",
                     Action.MARK_INTERPRETATION_PUBLISHED: "interpretation_form"}
OWN_BUTTONS = (Action.SUBMIT, Action.SUBMIT_REVIEW)
# The re-review's outcomes are taken on its own page (a reason, the channels): the panel links there.
RE_REVIEW_ACTIONS = (Action.RE_REVIEW_KEEP, Action.CONVERT_TO_PROACTIVE, Action.CONVERT_TO_REDACTED)


@dataclass
class Button:
    action: Action
    url: str
    label: str
    backward: bool = False


@dataclass
class Publication:
    action: Action
    url: str
    form: object
    button: str


@dataclass
class ActionPanel:
    doc: object
    edit_label: str = ""
    own_buttons: list = field(default_factory=list)
    publications: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    error: str = ""
    done: str = ""
    comment: str = ""
    re_review_url: str = ""

    @property
    def comment_required(self):
        return any(b.backward for b in self.decisions)

    @property
    def empty(self):
        return not (self.edit_label or self.own_buttons or self.publications or self.decisions
                    or self.re_review_url)


def action_panel(doc, error="", done="", comment="", forms=None):
    user = current_user
    panel = ActionPanel(doc, error=error, done=done, comment=comment)
    if permissions.can_edit(doc, user):
        panel.edit_label = "补充公开属性审查" if doc.state == State.REVIEW_PENDING else "修改公文"
    for action in allowed_actions(doc, user):
        url = action_url(action, doc)
        label = ACTION_BUTTONS.get(action, action.label)
        if action in RE_REVIEW_ACTIONS:
            panel.re_review_url = url_for("office.re_review_document", doc_id=doc.id)
        elif action in PUBLICATION_FORMS:
            form = (forms or {}).get(action) or PublishForm(formdata=None, published_on=local_today())
            panel.publications.append(Publication(action, url, form, label))
        elif action in OWN_BUTTONS:
            panel.own_buttons.append(Button(action, url, label))
        else:
            panel.decisions.append(Button(action, url, label, needs_comment(action)))
    return panel


def actions_panel(doc, status=200, headers=None, forms=None, **panel_args):
    """The action panel alone, as an htmx swap answers (with the counts it may have changed)."""
    return render("documents/_actions.html", "documents/_actions.html", status, refresh_nav=True,
                  headers=headers, panel=action_panel(doc, forms=forms, **panel_args))


@dataclass
class Prepublish:
    """Catalogue metadata (everyone who can see the document) and, for the office on a queued
    document, the confidentiality check, the personal-data hits, the catalogue form."""
    doc: object
    entry: object
    office_queue: bool
    categories: list = field(default_factory=list)
    check: object = None
    findings: list = field(default_factory=list)
    problems: dict = field(default_factory=dict)
    unscanned: list = field(default_factory=list)        # 附件 the scan cannot read


def prepublish(doc):
    office_queue = permissions.can_work_publish_queue(doc, current_user)
    if doc.catalogue is None and not office_queue:
        return None
    if not office_queue:
        return Prepublish(doc, doc.catalogue, False)
    return Prepublish(doc, doc.catalogue, True, catalogue.categories(), catalogue.latest_check(doc),
                      catalogue.findings(doc), catalogue.publish_problems(doc),
                      catalogue.unscanned_attachments(doc))


@dataclass
class RedactionView:
    spans: list
    original: object
    copy: object
    can_mark: bool


def redaction_view(doc):
    if doc.disclosure != Disclosure.REDACTED:
        return None
    spans = doc.active_redaction_spans
    return RedactionView(spans, safe_html(doc.body_html),
                         safe_html(redaction.redacted_html(doc)) if spans else None,
                         permissions.can_mark_redaction(doc, current_user))


def paper_html(doc):
    """The body as the paper shows it: for the office, a queued document's personal data marked."""
    if permissions.sees_personal_data_marks(doc, current_user):
        return safe_html(pii.highlight(doc.body_html))
    return safe_html(doc.body_html)


def paper_parts(doc):
    """The elements of the paper (GB/T 9704) the screen lays out around the body: what the
    division head and the principal sign, 附注 included."""
    return parts.Paper.of(doc, current_app.config["BUREAU_NAME"])


@dataclass
class AttachmentsView:
    """The document's files: 附件 in 附件说明 order, the imported originals, who may change them."""
    doc: object
    annexes: list
    sources: list
    can_change: bool
    can_choose_published: bool
    form: object = None
    error: str = ""
    done: str = ""
    unlisted: list = field(default_factory=list)       # 附件说明 lines without a file


def attachments_view(doc, error="", done=""):
    user = current_user
    annexes = files.annexes(doc)
    unlisted = parts.unmatched_lines(doc.attachment_lines, [a.filename for a in annexes])
    can_change = permissions.can_attach(doc, user)
    return AttachmentsView(doc, annexes, files.sources(doc), can_change,
                           permissions.can_choose_published_attachments(doc, user)
                           and doc.disclosure == Disclosure.REDACTED,
                           AttachmentForm(formdata=None) if can_change else None, error, done, unlisted)


def attachments_panel(doc, status=200, **kw):
    return render("documents/_attachments.html", "documents/_attachments.html", status,
                  attachments=attachments_view(doc, **kw))


def document_context(doc, forms=None, attachment_error="", **panel_args):
    return dict(doc=doc, panel=action_panel(doc, forms=forms, **panel_args),
                open_clocks=open_clocks(doc), paper=paper_html(doc), paper_parts=paper_parts(doc),
                interpretation=safe_html(doc.interpretation_html) if doc.interpretation_html else None,
                prepublish=prepublish(doc), redaction=redaction_view(doc),
                attachments=attachments_view(doc, error=attachment_error))


# --- acting from the panel -------------------------------------------------------------------------
def comment_from_form(limit=2000):
    """The comment of an act; refused in place when too long, never silently cut."""
    raw = request.form.get("comment", "")
    comment = clean_text(raw) if len(raw) <= 20 * limit else raw     # far too long: not worth cleaning
    if len(comment) > limit:
        message = f"意见不能超过{limit}个字（现有{len(comment)}个字），请精简后再提交。"
        raise Invalid(message, {"comment": message})
    return comment


def act_named(doc_id, name, actions):
    """A route whose last URL part names one of ``actions`` ({name: Action}); others are 404."""
    action = actions.get(name)
    if action is None:
        abort(404)
    return act(doc_id, action)


def act(doc_id, action, comment=None, **data):
    """Load, check, act on one document; answer with its refreshed action panel or a redirect.
    A refusal answers in place (the panel with the error, what was typed kept)."""
    doc = get_document_or_404(doc_id)
    typed = request.form.get("comment", "")
    try:
        perform(doc, action, current_user, comment_from_form() if comment is None else comment, **data)
    except WorkflowError as error:
        if wants_fragment():
            return actions_panel(doc, status=error.status, error=error.message, comment=typed)
        raise
    message = f"已{Action(action).label}：{doc.title}"
    if wants_fragment():
        return actions_panel(doc, done=message, headers={"HX-Trigger": "document-changed"})
    flash(message, "success")
    return redirect(url_for("documents.view", doc_id=doc.id))
