"""A world to walk ``app.url_map`` in: documents in the states the routes act on, and for every
rule a URL filled with real ids and the role that reaches it.

A rule nobody listed below still gets walked: its role comes from its blueprint, its arguments
from their names or converters (see :func:`url_for_rule`)."""
from dataclasses import dataclass
from datetime import date

import pytest

from reviewtool.labels import Disclosure, LegalBasis, State
from reviewtool.operations import add_redaction_span

ID_NUMBER = "11010519491231002X"

# endpoint → (role, which document); None: anonymous.
ROUTES = {
    "index": ("drafter", None),
    "auth.login": (None, None),
    "auth.logout": ("drafter", None),
    "auth.change_password": ("drafter", None),
    "documents.home": ("drafter", None),
    "documents.new": ("drafter", None),
    "documents.view": ("drafter", "draft"),
    "documents.edit": ("drafter", "draft"),
    "documents.history": ("drafter", "draft"),
    "documents.submit": ("drafter", "draft"),
    "documents.submit_review": ("drafter", "draft"),
    "documents.disclosure_fields": ("drafter", None),
    "redactions.edit": ("drafter", "draft"),
    "redactions.withdraw": ("drafter", "draft"),
    "office.pass_on": ("office", "office_check"),
    "office.return_to_drafter": ("office", "office_check"),
    "review.decide": ("principal", "principal_review"),
    "review.inbox": ("principal", None),
    "publishing.prepublish_panel": ("office", "queued"),
    "publishing.catalogue_entry": ("office", "queued"),
    "publishing.pii_resolve": ("office", "queued"),
    "publishing.confidentiality": ("office", "queued"),
    "publishing.mark_published": ("office", "queued"),
    "publishing.mark_interpretation_published": ("office", "published"),
    "office.archive": ("office", None),
    "public.index": (None, None),
    "public.view": (None, "published"),
    "public.feed": (None, None),
    "static": (None, None),
}
BLUEPRINT_ROLES = {"admin": "admin", "office": "office", "publishing": "office", "review": "principal",
                   "documents": "drafter", "redactions": "drafter", "auth": "drafter", "public": None}
# Values for arguments by name; anything else: by converter.
ARGUMENTS = {"action": "principal_sign_off", "result": "pass", "fmt": "json", "year": 2026,
             "filename": "app.js"}


@dataclass
class World:
    docs: dict
    span_id: int
    users: dict

    def role_for(self, endpoint):
        if endpoint in ROUTES:
            return ROUTES[endpoint][0]
        return BLUEPRINT_ROLES.get(endpoint.split(".")[0], "drafter")

    def url_for_rule(self, rule, **override):
        endpoint = rule.endpoint
        doc_key = ROUTES.get(endpoint, (None, None))[1] or "published"
        values = {}
        for name in rule.arguments:
            if name in override:
                values[name] = override[name]
            elif name == "doc_id":
                values[name] = self.docs[doc_key]
            elif name == "span_id":
                values[name] = self.span_id
            elif name == "user_id":
                values[name] = self.users["colleague"].id
            elif name in ARGUMENTS:
                values[name] = ARGUMENTS[name]
            else:
                converter = type(rule._converters[name]).__name__.lower()
                values[name] = 1 if "int" in converter else "x"
        return rule.build(values)[1]


@pytest.fixture
def world(db, users, make_document):
    draft = make_document(State.DRAFT, Disclosure.REDACTED,
                          body_html=f"<p>检查结果：合格。联系人身份证号 {ID_NUMBER}。</p>")
    span = add_redaction_span(draft, users["drafter"], "检查结果：合格", LegalBasis.SEPARABLE.value)
    queued = make_document(State.PUBLISH_QUEUE, body_html=f"<p>联系人身份证号 {ID_NUMBER}。</p>",
                           interpretation_html="<p>解读：本通知的要点。</p>")
    published = make_document(State.PUBLISH_QUEUE, interpretation_html="<p>解读材料。</p>")
    published.state, published.published_on, published.published_channel = (
        State.PUBLISHED, date(2026, 11, 20), "portal")
    published.catalogue.published_body_html = "<p>为提升政务公开工作水平，定于下月开展培训。</p>"
    docs = dict(draft=draft.id, queued=queued.id, published=published.id,
                office_check=make_document(State.OFFICE_CHECK).id,
                principal_review=make_document(State.PRINCIPAL_REVIEW).id)
    db.session.commit()
    return World(docs, span.id, users)
