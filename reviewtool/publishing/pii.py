"""Personal data in a document's text (个人信息去标识化, seed 003 item 20): find it before publishing.

Three kinds are found:
- 居民身份证号码: 18 characters, a plausible area and birth date, and a valid ISO 7064 MOD 11-2
  check character;
- 手机号码: 1[3-9] and nine more digits (also written 138 1234 5678 / 138-1234-5678);
- 银行卡号: 16–19 digits (also in groups of four) passing the Luhn check, and not an ID number.

A number is only taken when it stands alone: never a piece of a longer run of digits or letters,
so a 文号 (泉交办〔2020〕19号), an index number (QZ00120-0204-2020-00108) or a date is not a hit.
No Flask here: :func:`scan` works on plain text, :func:`highlight` and :func:`redact` on body HTML
through the parsed tree (``sanitize.TextMap``): only text changes, the markup is kept, and the
result is re-sanitized.
"""
import re
from dataclasses import dataclass
from datetime import date

from functools import partial

from ..sanitize import PII_TITLE, TextMap, element

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
REDACTION = "■■■"

# "Stands alone": no digit, latin letter or joining hyphen/slash right before or after.
_BEFORE = r"(?<![0-9A-Za-z\-/.])"
_AFTER = r"(?![0-9A-Za-z]|[\-/.]\d)"
ID_RE = re.compile(_BEFORE + r"[1-9]\d{16}[0-9Xx]" + _AFTER)
MOBILE_RE = re.compile(_BEFORE + r"1[3-9]\d(?:\d{8}|([ \-])\d{4}\1\d{4})" + _AFTER)
CARD_RE = re.compile(_BEFORE + r"(?:\d{16,19}|\d{4}(?: \d{4}){3}(?: \d{1,3})?)" + _AFTER)


@dataclass(frozen=True)
class Hit:
    kind: str           # a PiiKind key (labels.py)
    value: str          # exactly as written in the text
    start: int
    end: int


def id_check_ok(number):
    number = number.upper()
    if not re.fullmatch(r"\d{17}[0-9X]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == number[17]


def id_birth_ok(number, today=None):
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


def is_id_number(number):
    return id_check_ok(number) and id_birth_ok(number) and number[:2] in PROVINCES


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# GB/T 2260 province-level codes: the first two digits of an ID number.
PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
             "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
             "63", "64", "65", "71", "81", "82", "83", "91"}


def scan(text):
    """Every hit in ``text``, in order of position; overlapping hits keep the first kind found
    (ID number before bank card before mobile)."""
    text = text or ""
    hits = []
    taken = []

    def free(m):
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in ID_RE.finditer(text):
        if is_id_number(m.group()):
            hits.append(Hit("id_card", m.group(), m.start(), m.end()))
            taken.append(m.span())
    for m in CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if free(m) and luhn_ok(digits) and not (len(digits) == 18 and is_id_number(digits)):
            hits.append(Hit("bank_card", m.group(), m.start(), m.end()))
            taken.append(m.span())
    for m in MOBILE_RE.finditer(text):
        if free(m):
            hits.append(Hit("mobile", m.group(), m.start(), m.end()))
            taken.append(m.span())
    return sorted(hits, key=lambda h: h.start)


def distinct(hits):
    """One entry per (kind, value): a number written twice is resolved once."""
    seen, out = set(), []
    for hit in hits:
        if (hit.kind, hit.value) not in seen:
            seen.add((hit.kind, hit.value))
            out.append(hit)
    return out


def highlight(body_html):
    """The body with each hit wrapped in <mark class="pii pii-KIND" data-kind=KIND> (the office's
    view of a queued document), re-sanitized."""
    text = TextMap(body_html)
    text.change([(h.start, h.end, partial(_mark, h.kind), True) for h in scan(text.text)])
    return text.html()


def _mark(kind):
    return element("mark", class_=f"pii pii-{kind}", data_kind=kind, title=PII_TITLE)


def redact(body_html, values):
    """The body with every occurrence of each value replaced by ■■■, wherever the markup splits
    it (the text is cut across elements), re-sanitized."""
    values = sorted({v for v in values if v}, key=len, reverse=True)
    text = TextMap(body_html)
    if not values:
        return text.html()
    taken = []
    for value in values:
        start = text.text.find(value)
        while start >= 0:
            end = start + len(value)
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
            start = text.text.find(value, end)
    text.change([(a, b, lambda: REDACTION, False) for a, b in taken])
    return text.html()
