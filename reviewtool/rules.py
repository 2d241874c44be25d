"""The checks a transition runs: is the disclosure tagging lawful, is the content there, may a
leader sign, where does a signed document go.  Each returns {form field: Chinese problem}; empty
means fine.  The same rule decides the drafter's submit, the office's flags and its bulk return.
"""
from datetime import date

from .dates import local_today
from .gongwen import parts
from .labels import BOILERPLATE_REASONS, MIN_REASON_CHARS, Disclosure, LegalBasis, State
from .publishing import redaction


def is_boilerplate(text):
    stripped = "".join(ch for ch in (text or "") if ch.isalnum())
    return stripped in BOILERPLATE_REASONS or len(stripped) < MIN_REASON_CHARS


def disclosure_problems(doc):
    """What keeps this document's disclosure tagging from being lawful, by form field.

    Empty when the attribute, the channel (where one is needed) and, for every attribute but
    proactive, a legal basis that fits plus a real explanation are there.
    """
    problems = {}
    disclosure = doc.disclosure
    if disclosure is None:
        problems["disclosure"] = "未标注公开属性。"
        return problems
    if disclosure.needs_channel and not doc.channel_list:
        problems["channels"] = f"{disclosure.label}的公文须选择至少一种公开方式。"
    if disclosure.needs_reason:
        basis = doc.legal_basis
        if basis is None:
            problems["legal_basis"] = f"{disclosure.label}须选择法律依据。"
        elif basis not in LegalBasis.for_disclosure(disclosure):
            problems["legal_basis"] = f"“{basis.full_label}”不能作为{disclosure.label}的依据。"
        if not (doc.reason_text or "").strip():
            problems["reason_text"] = f"{disclosure.label}须写明理由。"
        elif is_boilerplate(doc.reason_text):
            problems["reason_text"] = (f"理由过于笼统，请结合公文内容具体说明"
                                       f"（不少于{MIN_REASON_CHARS}个字）。")
    problems.update(redaction.problems(doc))         # 删减后公开: at least one span, all still found
    problems.update(forward_problems(doc))
    return problems


def forward_problems(doc):
    """A 转发 names its source (机关, 文号, 公开属性) and may not be more open than it."""
    if not doc.forwards:
        return {}
    problems = {}
    if not (doc.source_issuer or "").strip():
        problems["source_issuer"] = "转发件须填写来文机关。"
    if not (doc.source_number or "").strip():
        problems["source_number"] = "转发件须填写来文文号。"
    source = doc.source_disclosure
    if source is None:
        problems["source_disclosure"] = "转发件须选择来文的公开属性。"
    elif doc.disclosure is not None and doc.disclosure.openness > source.openness:
        named = "".join(x for x in ((doc.source_issuer or "").strip(), (doc.source_number or "").strip()) if x)
        problems["disclosure"] = (f"转发件的公开属性不能比来文更公开：来文{('（' + named + '）') if named else ''}"
                                  f"为“{source.label}”，本件不能标注为“{doc.disclosure.label}”。")
    return problems


EARLIEST_SIGNED_ON = date(1949, 10, 1)


def signed_on_problems(doc):
    """A 成文日期 entered by hand (a document signed outside the tool): a real day, not in the
    future.  (The minimal rule; the clocks that start from it are in ``deadlines``.)"""
    if not doc.signed_on_by_hand or doc.signed_on is None:
        return {}
    if doc.signed_on > local_today():
        return {"signed_on": "成文日期不能晚于今天。"}
    if doc.signed_on < EARLIEST_SIGNED_ON:
        return {"signed_on": "成文日期有误，请核对。"}
    return {}


def content_problems(doc):
    problems = {}
    if not (doc.title or "").strip():
        problems["title"] = "请填写标题。"
    if not (doc.body_html or "").strip():
        problems["body_html"] = "请填写正文。"
    number = parts.doc_number_problem(doc.doc_number)
    if number:
        message, suggestion = number
        problems["doc_number"] = message + (f"可改为“{suggestion}”。" if suggestion else "")
    problems.update(signed_on_problems(doc))
    return problems


def post_hoc_open(doc):
    """An urgent document sent up before its disclosure review was complete, review not yet signed off."""
    return bool(doc.post_hoc_from) and doc.post_hoc_done_at is None


def submit_problems(doc):
    """Everything must be there, except that an urgent document may go up with its review pending."""
    if doc.is_urgent:
        return content_problems(doc)
    return {**content_problems(doc), **disclosure_problems(doc)}


def must_return(doc):
    """The office must return (退文) this document: its tagging breaks the rule and it is not an
    urgent document allowed up first."""
    return bool(disclosure_problems(doc)) and not post_hoc_open(doc)


def office_pass_problems(doc):
    problems = disclosure_problems(doc)
    if problems and not post_hoc_open(doc):
        return {"_": "按规定，没有明确公开属性、公开方式或没有依法说明不公开理由的公文，应予退文："
                     + "".join(problems.values())}
    return {}


def sign_off_problems(doc):
    """Leaders sign off a document with a complete review; an urgent one may pass with its review
    still owed (it then waits in review_pending), but the review itself needs it complete."""
    problems = disclosure_problems(doc)
    urgent_first_pass = post_hoc_open(doc) and doc.state in (State.DIVISION_REVIEW,
                                                              State.PRINCIPAL_REVIEW)
    if problems and not urgent_first_pass:
        return {"_": "公开属性审查未完成，不能签发：" + "".join(problems.values())}
    return {}


def interpretation_problems(doc):
    if not (doc.interpretation_html or "").strip():
        return {"_": "该公文没有解读材料。"}
    if doc.interpretation_published_on:
        return {"_": f"解读材料已于{doc.interpretation_published_on}登记发布。"}
    return {}


def approved_destination(doc):
    """Signed off: queued for publishing, archived, or — review unfinished — waiting for it.
    An urgent document never reaches the queue or the archive before its review is signed off."""
    if disclosure_problems(doc):
        return State.REVIEW_PENDING
    if doc.disclosure == Disclosure.PROACTIVE:
        return State.PUBLISH_QUEUE
    return State.ARCHIVED
