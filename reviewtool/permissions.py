"""Who may do what.  Views answer 403/404 from these; templates show buttons from these; the
workflow's transition table names them as its ``who``.  One rule, read everywhere.

Nobody acts on their own document in any role: a drafter later made an office user, a division
head or the principal still cannot pass, sign, check or publish what they drafted.
"""
from dataclasses import dataclass
from typing import Callable

from .labels import (RE_REVIEWED, WHO_DIVISION_HEAD, WHO_DRAFTER_OF, WHO_OFFICE,
                     WHO_OFFICE_OR_DRAFTER, WHO_OFFICE_RE_REVIEW, WHO_OFFICE_RE_REVIEW_WITHHELD,
                     WHO_PRINCIPAL, Disclosure, Role, State)


@dataclass(frozen=True)
class Who:
    """A predicate over (document, user) with the Chinese name of whom it admits."""
    label: str
    test: Callable

    def __call__(self, doc, user):
        return bool(user is not None and user.is_authenticated and self.test(doc, user))


def own(doc, user):
    return doc.drafter_id == user.id


DRAFTER_OF = Who(WHO_DRAFTER_OF, lambda doc, user: user.has_role(Role.DRAFTER) and own(doc, user))
OFFICE = Who(WHO_OFFICE, lambda doc, user: user.has_role(Role.OFFICE) and not own(doc, user))
DIVISION_HEAD_OF = Who(WHO_DIVISION_HEAD,
                       lambda doc, user: user.leads(doc.division_id) and not own(doc, user))
PRINCIPAL = Who(WHO_PRINCIPAL, lambda doc, user: user.has_role(Role.PRINCIPAL) and not own(doc, user))
OFFICE_OR_DRAFTER = Who(WHO_OFFICE_OR_DRAFTER,
                        lambda doc, user: OFFICE(doc, user) or DRAFTER_OF(doc, user))
# 定期评估审查: the office re-reviews what was not (fully) disclosed; only what was not disclosed
# at all (依申请公开, 不予公开) can become 删减后公开.
OFFICE_RE_REVIEW = Who(WHO_OFFICE_RE_REVIEW, lambda doc, user: OFFICE(doc, user) and bool(
    doc.disclosure and doc.disclosure.value in RE_REVIEWED))
OFFICE_RE_REVIEW_WITHHELD = Who(WHO_OFFICE_RE_REVIEW_WITHHELD, lambda doc, user: OFFICE(doc, user)
                                and doc.disclosure in (Disclosure.ON_REQUEST, Disclosure.WITHHELD))


# Where a document rests between periodic re-reviews: archived, or published (a 删减后公开 copy).
RE_REVIEW_AT_REST = (State.ARCHIVED, State.PUBLISHED)


def can_schedule_re_review(doc, user):
    """The office sets a document's next re-review date, or the decision it prepares, while the
    document rests not (fully) disclosed."""
    return OFFICE_RE_REVIEW(doc, user) and doc.state in RE_REVIEW_AT_REST


# --- seeing and editing ------------------------------------------------------------------------
def can_view(doc, user):
    if not user.is_authenticated:
        return False
    if user.has_role(Role.DRAFTER):
        return own(doc, user) or (doc.division_id == user.division_id and doc.state != State.DRAFT)
    if own(doc, user):                       # a former drafter keeps seeing what they wrote
        return True
    if doc.state == State.DRAFT:
        return False
    if user.has_role(Role.DIVISION_HEAD):
        return user.leads(doc.division_id)
    return user.has_role(Role.PRINCIPAL) or user.has_role(Role.OFFICE)


# What the drafter may change in each editable state: a signed-off urgent document only its review.
CONTENT_FIELDS = ("title", "doc_number", "body_html", "is_urgent", "is_decision", "decision_date",
                  "interpretation_html",
                  # the elements of the paper (GB/T 9704): what the leaders sign
                  "issuer_mark", "direction", "signer", "main_recipients", "attachment_note",
                  "signature", "signed_on", "signed_on_by_hand", "note", "cc", "printed_by",
                  "printed_on", "forwards")
# The disclosure review; a 转发's source is part of it (a forwarded document is not more open).
DISCLOSURE_FIELDS = ("channels", "disclosure", "legal_basis", "reason_text", "source_issuer",
                     "source_number", "source_disclosure")
EDITABLE = {
    State.DRAFT: CONTENT_FIELDS + DISCLOSURE_FIELDS,
    State.RETURNED: CONTENT_FIELDS + DISCLOSURE_FIELDS,
    State.REVIEW_PENDING: DISCLOSURE_FIELDS,
}


def editable_fields(doc):
    return EDITABLE.get(doc.state, ())


def can_edit(doc, user):
    return DRAFTER_OF(doc, user) and doc.state in EDITABLE


def can_attach(doc, user):
    """The drafter adds, removes or imports files while the content is editable; a submitted
    version's attachments are frozen with it."""
    return can_edit(doc, user) and "body_html" in editable_fields(doc)


def can_mark_redaction(doc, user):
    """The drafter marks what a 删减后公开 document removes while its disclosure is editable.
    A document a re-review converts to 删减后公开 is marked by the office (not the drafter of it):
    the office decided the conversion and answers for what it removes before the principal; the
    drafter of years ago may have moved on."""
    if doc.state == State.CONVERT_REDACT:
        return OFFICE(doc, user)
    return can_edit(doc, user) and "disclosure" in editable_fields(doc)


# Which 附件 of a 删减后公开 document may be published is part of its disclosure review.
can_choose_published_attachments = can_mark_redaction


def can_work_publish_queue(doc, user):
    """The office's acts on a queued document: 主题分类/文号, personal data, the checks."""
    return OFFICE(doc, user) and doc.state == State.PUBLISH_QUEUE



def sees_personal_data_marks(doc, user):
    """The office sees the personal data the scan found, marked in a queued document's text."""
    return can_work_publish_queue(doc, user)


# --- the admin's screens --------------------------------------------------------------------------
def is_admin(user):
    return user.is_authenticated and user.has_role(Role.ADMIN)
