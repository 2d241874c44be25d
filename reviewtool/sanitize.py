"""The one bleach allow-list, and every operation on user HTML — done on a parsed tree.

Two allow-lists: ``clean_body`` admits what a user may write (no attributes but a numeric
``colspan``/``rowspan``, and images served by the app itself: ``<img src="/files/N" alt="…">``,
the body images of an imported Word file); ``clean_output`` additionally admits the marks the tool itself adds
(the redaction mark, the personal-data highlight).  Every HTML string the tool makes from user
HTML passes ``clean_output`` right before it is stored or marked safe (``safe_html``), so even a
mistake in a transformation cannot let markup through.

Text inside HTML is changed only through :class:`TextMap`: the HTML is parsed into a tree
(lxml), its text nodes are laid end to end as plain text (what ``body_text`` returns), and a
change to a range of that text is applied to the text nodes it covers.  Nothing here runs a
regular expression over markup.
"""
import html
import re
import unicodedata
from dataclasses import dataclass

import bleach
import lxml.html
from lxml import etree
from markupsafe import Markup

BODY_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "u", "ol", "ul", "li", "h2", "h3", "h4",
                       "blockquote", "table", "thead", "tbody", "tr", "th", "td", "span", "div",
                       "img"})
OUTPUT_TAGS = BODY_TAGS | {"mark"}
_SPAN_NUMBER = re.compile(r"[1-9][0-9]{0,2}")           # colspan / rowspan: 1–999, ASCII digits
# An image of the body: only a file the app serves itself (an attachment of a document, checked
# for access when it is requested), never another server or a data: URL.
IMAGE_SRC = re.compile(r"/files/[1-9][0-9]{0,11}")
MAX_ALT_CHARS = 200
_PII_CLASS = re.compile(r"pii pii-[a-z_]{1,20}")
_PII_KIND = re.compile(r"[a-z_]{1,20}")
REDACTION_MARK_CLASS = "redaction-mark"
PII_TITLE = "疑似个人信息"

# Characters a field never needs and that can hide or reorder what people read: C0/C1 controls
# (NUL included), zero-width characters, bidi embeddings/overrides/isolates, the BOM.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")


def strip_invisible(value):
    return _INVISIBLE.sub("", value or "")


def _body_attribute(tag, name, value):
    if tag == "img":
        return ((name == "src" and bool(IMAGE_SRC.fullmatch(value)))
                or (name == "alt" and len(value) <= MAX_ALT_CHARS))
    return tag in ("td", "th") and name in ("colspan", "rowspan") and bool(_SPAN_NUMBER.fullmatch(value))


def _output_attribute(tag, name, value):
    if _body_attribute(tag, name, value):
        return True
    if tag == "span" and name == "class":
        return value == REDACTION_MARK_CLASS
    if tag == "mark" and name == "class":
        return bool(_PII_CLASS.fullmatch(value))
    if tag == "mark" and name == "data-kind":
        return bool(_PII_KIND.fullmatch(value))
    if tag == "mark" and name == "title":
        return value == PII_TITLE
    return False


def _bleach(value, tags, attributes):
    # The only URL an attribute filter admits is an app-relative image source (/files/N);
    # bleach keeps a relative URL only where "https" is an allowed protocol.
    return bleach.clean(value, tags=tags, attributes=attributes, protocols={"https"}, strip=True,
                        strip_comments=True).strip()


def looks_like_html(value):
    """Whether pasted text is rich text: it parses into at least one element."""
    root = _parse(value)
    return root is not None and any(isinstance(el.tag, str) for el in root.iterdescendants())


def clean_body(value):
    """Rich text or pasted plain text → safe HTML.  Plain text keeps its paragraphs."""
    value = strip_invisible(value).replace("\r\n", "\n").strip()
    if not value:
        return ""
    if not looks_like_html(value):
        paragraphs = [p.strip() for p in value.split("\n") if p.strip()]
        value = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return _bleach(value, BODY_TAGS, _body_attribute)


def clean_output(value):
    """The last pass over HTML the tool made from user HTML, before storing or showing it."""
    return _bleach(strip_invisible(value), OUTPUT_TAGS, _output_attribute)


def safe_html(value):
    """User HTML, re-sanitized, as markup a template may insert: inside a container that tells
    htmx to ignore every attribute of it (``hx-disable``), whatever got through."""
    return (Markup('<div class="user-content" hx-disable>') + Markup(clean_output(value or ""))
            + Markup("</div>"))


def clean_text(value):
    """A plain-text field (title, name, comment): no markup survives, entities are decoded,
    invisible and direction-changing characters are dropped.

    The result is stored as text and escaped by Jinja when shown.  Cleaning repeats until
    stable so that encoded markup (``&lt;script&gt;``) cannot come back as a tag.
    """
    value = strip_invisible(value).strip()
    for _ in range(5):
        cleaned = strip_invisible(html.unescape(bleach.clean(value, tags=set(), strip=True,
                                                             strip_comments=True)))
        if cleaned == value:
            break
        value = cleaned
    return unicodedata.normalize("NFC", value).strip()


# --- the tree -------------------------------------------------------------------------------
_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "div", "blockquote",
                     "table", "thead", "tbody", "ul", "ol"})
_CELLS = frozenset({"td", "th"})


def _parse(value):
    """The HTML as children of a <div> (None when there is nothing to parse)."""
    value = strip_invisible(value)
    if not value.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):      # nothing but a comment, say
        return None
    except AssertionError:                       # lxml: "<html></html>" is a document without a body
        return None


def _serialize(root):
    if root is None:
        return ""
    inner = html.escape(root.text or "", quote=False)
    inner += "".join(etree.tostring(child, encoding="unicode", method="html", with_tail=True)
                     for child in root)
    return inner


@dataclass
class _Slot:
    owner: object        # the element whose .text (or .tail) this is
    is_tail: bool
    start: int           # where it lies in the flat text
    end: int


class TextMap:
    """The text of an HTML fragment, laid out flat, and a way to change ranges of it in the tree.

    ``text`` is the words of the fragment with a newline after each block and a tab after each
    table cell (the same as :func:`body_text`, before trimming).  :meth:`change` takes ranges of
    ``text`` and either wraps them in an element or replaces them (the replacement stands where
    the range begins; the rest of the range is removed, across element boundaries).
    """

    def __init__(self, value):
        self.root = _parse(value)
        self.slots = []
        parts = []
        self._length = 0

        def add(owner, is_tail, text):
            if text:
                self.slots.append(_Slot(owner, is_tail, self._length, self._length + len(text)))
                parts.append(text)
                self._length += len(text)

        def separator(char):
            parts.append(char)
            self._length += 1

        def walk(el):
            if not isinstance(el.tag, str):          # a comment or processing instruction
                return
            if el.tag == "br":
                separator("\n")
            add(el, False, el.text)
            for child in el:
                walk(child)
                add(child, True, child.tail)
            if el.tag in _BLOCKS:
                separator("\n")
            elif el.tag in _CELLS:
                separator("\t")

        if self.root is not None:
            add(self.root, False, self.root.text)
            for child in self.root:
                walk(child)
                add(child, True, child.tail)
        self.text = "".join(parts)

    def change(self, ranges):
        """``ranges``: (start, end, make, wrap) with ``make()`` → an element or a string.
        wrap=True puts each covered piece of text inside ``make()`` (an element); wrap=False
        replaces the whole range by one ``make()``.  Ranges must not overlap."""
        ranges = sorted(ranges, key=lambda r: r[0])
        for slot in self.slots:
            local = [(max(a, slot.start), min(b, slot.end), a, make, wrap)
                     for a, b, make, wrap in ranges if a < slot.end and b > slot.start]
            if local:
                self._rewrite(slot, local)

    def _rewrite(self, slot, local):
        text = slot.owner.tail if slot.is_tail else slot.owner.text
        pieces, pos = [], slot.start
        for a, b, range_start, make, wrap in local:
            pieces.append(text[pos - slot.start:a - slot.start])
            if wrap:
                element = make()
                element.text = text[a - slot.start:b - slot.start]
                pieces.append(element)
            elif range_start >= slot.start:             # the replacement stands where it begins
                pieces.append(make())
            pos = b
        pieces.append(text[pos - slot.start:])
        _write(slot.owner, slot.is_tail, pieces)

    def html(self):
        """The changed fragment, serialized and re-sanitized."""
        return clean_output(_serialize(self.root))


def _write(owner, is_tail, pieces):
    """Put text and elements where one text node was: the first text stays in the node, each
    element is inserted after it with the following text as its tail."""
    merged = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    first = merged.pop(0) if merged and isinstance(merged[0], str) else ""
    if is_tail:
        owner.tail = first
        parent, index = owner.getparent(), owner.getparent().index(owner) + 1
    else:
        owner.text = first
        parent, index = owner, 0
    previous = None
    for piece in merged:
        if isinstance(piece, str):
            previous.tail = (previous.tail or "") + piece
        else:
            piece.tail = None
            parent.insert(index, piece)
            index += 1
            previous = piece


def element(tag, text=None, **attributes):
    el = etree.Element(tag, {k.rstrip("_").replace("_", "-"): v for k, v in attributes.items()})
    el.text = text
    return el


def body_text(body_html):
    """The words of a body, for excerpts, scans and search: a newline after each block."""
    return TextMap(body_html).text.strip()


def editable_body(body_html):
    """What the form's text box shows: plain paragraphs as plain text, richer HTML as HTML."""
    root = _parse(body_html)
    if root is None:
        return ""
    children = list(root)
    plain = (not (root.text or "").strip()
             and all(c.tag == "p" and not len(c) and not c.attrib and not (c.tail or "").strip()
                     for c in children))
    if plain:
        return "\n\n".join(c.text or "" for c in children)
    return body_html
