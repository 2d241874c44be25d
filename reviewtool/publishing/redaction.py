"""删减后公开: the spans of a redacted document's body the drafter marks for removal, and the
redacted copy the tool makes from them.

A span is a piece of the body text (pasted exactly as it reads) with its legal basis.  The redacted
copy replaces every occurrence of every active span by a visible mark, ``■■■（依据：第十五条）``.
Spans are found in the body's text whatever whitespace or markup lies between their characters,
and cut out of the parsed tree (``sanitize.TextMap``), so a span that crosses a paragraph or a
bold run is removed entirely and the rest of the markup is kept.  The original is never
published: the frozen published text of a redacted document is made from :func:`redacted_html`.

:func:`problems` is part of the one disclosure rule (``rules.disclosure_problems``): a redacted
document needs at least one active span, and every active span must still be found in the body.
The acts of adding and withdrawing a span are in ``operations``.
"""
import re

from ..labels import Disclosure, LegalBasis
from ..sanitize import TextMap, body_text, element

MARK = "■■■"
MAX_SPAN_CHARS = 2000


def bases():
    """The bases a span may cite: whatever may justify withholding, plus 第三十七条 (separable)."""
    return LegalBasis.for_disclosure(Disclosure.WITHHELD) + [LegalBasis.SEPARABLE]


def mark_text(basis):
    basis = LegalBasis.get(basis) if basis else None
    return f"{MARK}（依据：{basis.article}）" if basis else MARK


def normalize(text):
    """A pasted span: one newline between paragraphs, trimmed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[ \t\u3000]*\n\s*", "\n", text).strip()


def _pattern(text):
    """The span, found whatever whitespace (or paragraph break) lies between its characters."""
    chars = [c for c in text if not c.isspace()]
    return re.compile(r"\s*".join(re.escape(c) for c in chars)) if chars else None


def occurs(body_html, text):
    pattern = _pattern(normalize(text))
    return bool(pattern and pattern.search(body_text(body_html)))


def missing(doc):
    """Active spans no longer found in the body (the body was changed after they were marked)."""
    return [s for s in doc.active_redaction_spans if not occurs(doc.body_html, s.text)]


def problems(doc):
    """What keeps a redacted document's spans from being complete (empty for other attributes)."""
    if doc.disclosure != Disclosure.REDACTED:
        return {}
    if not doc.active_redaction_spans:
        return {"redactions": "删减后公开的公文须在“删减标注”中标注至少一处删除的内容及其依据。"}
    gone = missing(doc)
    if gone:
        quoted = "、".join(f"“{excerpt(s.text)}”" for s in gone)
        return {"redactions": f"删减标注{quoted}在正文中已找不到，请重新标注或撤销。"}
    return {}


def excerpt(text, n=20):
    text = normalize(text).replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


def redacted_html(doc, spans=None):
    """The body with every occurrence of each active span replaced by ■■■（依据：…）, re-sanitized.

    Longer spans are cut first; a shorter span inside a longer one's occurrence is already gone.
    The original record is not changed.
    """
    spans = doc.active_redaction_spans if spans is None else spans
    text = TextMap(doc.body_html)
    taken = []
    for span in sorted(spans, key=lambda s: len(normalize(s.text)), reverse=True):
        pattern = _pattern(normalize(span.text))
        if pattern is None:
            continue
        for match in pattern.finditer(text.text):
            a, b = match.span()
            if all(b <= x or a >= y for x, y, _ in taken):
                taken.append((a, b, span.basis))
    text.change([(a, b, _mark_maker(basis), False) for a, b, basis in taken])
    return text.html()


def _mark_maker(basis):
    return lambda: element("span", mark_text(basis), class_="redaction-mark")
