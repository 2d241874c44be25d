"""删减后公开: the spans of a redacted document's body the drafter marks for removal, and the
redacted copy the tool makes from them.

A span is a piece of the body text (pasted exactly as it reads) with its legal basis.  The redacted
copy replaces every occurrence of every active span by a visible mark, ``■■■（依据：第十五条）``.
The original is never published: the frozen published text of a redacted document is made from
:func:`redacted_html` (see ``catalogue.published_body``).

:func:`problems` is part of the one disclosure rule (``workflow.disclosure_problems``): a redacted
document needs at least one active span, and every active span must still be found in the body.
No Flask request objects here; :func:`add_span` and :func:`withdraw_span` check who and state and
raise the workflow's errors.  The caller commits.
"""
import html
import re

from markupsafe import escape

from .extensions import db
from .labels import Disclosure, LegalBasis
from .models import RedactionSpan, utcnow
from .sanitize import body_text

MARK = "■■■"
MAX_SPAN_CHARS = 2000
# Spans are taken out of the text through placeholders made of private-use characters
# (stripped from every span), so that one span can never match inside another's mark.
_PRIVATE = re.compile("[\ue000-\uf8ff]")
_PH = re.compile("\ue000(.)\ue001", re.S)


def bases():
    """The bases a span may cite: whatever may justify withholding, plus 第三十七条 (separable)."""
    return LegalBasis.for_disclosure(Disclosure.WITHHELD) + [LegalBasis.SEPARABLE]


def mark_text(basis):
    basis = LegalBasis.get(getattr(basis, "value", basis))
    return f"{MARK}（依据：{basis.article}）" if basis else MARK


def mark_html(basis):
    return f'<span class="redaction-mark">{escape(mark_text(basis))}</span>'


def normalize(text):
    """A pasted span: no private-use characters, one newline between paragraphs, trimmed."""
    text = _PRIVATE.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r"[ \t\u3000]*\n\s*", "\n", text).strip()


def _pattern(text):
    """The span, found whatever whitespace (or paragraph break) lies between its characters."""
    chars = [c for c in text if not c.isspace()]
    return re.compile(r"\s*".join(re.escape(c) for c in chars)) if chars else None


def occurs(body_html, text):
    pattern = _pattern(normalize(text))
    return bool(pattern and pattern.search(body_text(body_html)))


def active_spans(doc):
    return [s for s in doc.redaction_spans if s.withdrawn_at is None]


def missing(doc):
    """Active spans no longer found in the body (the body was changed after they were marked)."""
    return [s for s in active_spans(doc) if not occurs(doc.body_html, s.text)]


def problems(doc):
    """What keeps a redacted document's spans from being complete (empty for other attributes)."""
    if doc.disclosure != Disclosure.REDACTED.value:
        return {}
    spans = active_spans(doc)
    if not spans:
        return {"redactions": "删减后公开的公文须在“删减标注”中标注至少一处删除的内容及其依据。"}
    gone = missing(doc)
    if gone:
        quoted = "、".join(f"“{excerpt(s.text)}”" for s in gone)
        return {"redactions": f"删减标注{quoted}在正文中已找不到，请重新标注或撤销。"}
    return {}


def excerpt(text, n=20):
    text = normalize(text).replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


# --- the redacted copy -----------------------------------------------------------------------------
_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def _ordered(spans):
    """One (placeholder, span) per distinct text, longest first (a longer span wins an overlap)."""
    seen, out = set(), []
    for span in sorted(spans, key=lambda s: len(normalize(s.text)), reverse=True):
        text = normalize(span.text)
        if text and text not in seen:
            seen.add(text)
            out.append((f"\ue000{chr(0xe100 + len(out))}\ue001", span))
    return out


def _still_there(placeheld_html, ordered):
    flat = body_text(placeheld_html)
    return any(_pattern(normalize(span.text)).search(flat) for _, span in ordered)


def redacted_html(doc, spans=None):
    """The body with every occurrence of each active span replaced by ■■■（依据：…）.

    The markup is kept when every span lies within one run of text; when one does not (it crosses
    paragraphs or formatting), the body falls back to plain paragraphs, so that nothing marked for
    removal can survive.  The original record is not changed.
    """
    body = doc.body_html or ""
    ordered = _ordered(active_spans(doc) if spans is None else spans)
    if not ordered:
        return body

    def cut(segment):
        plain = html.unescape(segment)
        changed = plain
        for placeholder, span in ordered:
            changed = changed.replace(normalize(span.text), placeholder)
        return segment if changed == plain else html.escape(changed, quote=False)

    result = "".join(p if p.startswith("<") else cut(p) for p in _TAG_SPLIT.split(body))
    if _still_there(result, ordered):
        text = body_text(body)
        for placeholder, span in ordered:
            text = _pattern(normalize(span.text)).sub(placeholder, text)
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        result = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    marks = {placeholder: mark_html(span.basis) for placeholder, span in ordered}
    return _PH.sub(lambda m: marks.get(m.group(0), escape(MARK)), result)


# --- the drafter's acts ----------------------------------------------------------------------------
def can_mark(doc, user):
    from .workflow import can_edit, editable_fields
    return can_edit(doc, user) and "disclosure" in editable_fields(doc)


def _check(doc, user):
    from .workflow import NotAllowed, WrongState, WorkflowError
    if doc.drafter_id != user.id:
        raise NotAllowed("只有拟稿人本人可以标注删减内容。")
    if not can_mark(doc, user):
        raise WrongState(f"该公文当前状态为“{doc.state_enum.label}”，不能修改删减标注。")
    if doc.disclosure != Disclosure.REDACTED.value:
        raise WorkflowError("只有公开属性为“删减后公开”的公文才需标注删减内容，请先保存公开属性。")


def add_span(doc, user, text, basis):
    """Mark a piece of the body for removal; it must occur in the body, with a basis from the list."""
    from .workflow import Invalid
    _check(doc, user)
    text = normalize(text)
    errors = {}
    if not text:
        errors["text"] = "请粘贴要删除的原文。"
    elif len(text) > MAX_SPAN_CHARS:
        errors["text"] = f"删除的内容不能超过{MAX_SPAN_CHARS}个字，请分段标注。"
    elif not occurs(doc.body_html, text):
        errors["text"] = "正文中没有这段文字，请从正文中原样复制要删除的内容。"
    elif any(normalize(s.text) == text for s in active_spans(doc)):
        errors["text"] = "这段文字已经标注过了。"
    chosen = LegalBasis.get(basis or "")
    if chosen not in bases():
        errors["basis"] = "请从列表中选择删减的法律依据。"
    if errors:
        raise Invalid("；".join(errors.values()), errors)
    span = RedactionSpan(document_id=doc.id, text=text, basis=chosen.value, created_by_id=user.id)
    db.session.add(span)
    db.session.flush()
    db.session.expire(doc, ["redaction_spans"])
    return span


def withdraw_span(doc, user, span_id):
    """Withdraw a span (never deleted: it keeps who marked it and when, and when it was withdrawn)."""
    from .workflow import WorkflowError
    _check(doc, user)
    span = db.session.get(RedactionSpan, span_id)
    if span is None or span.document_id != doc.id:
        raise WorkflowError("找不到该删减标注，请刷新后重试。")
    if span.withdrawn_at is None:
        span.withdrawn_at = utcnow()
        db.session.flush()
    return span
