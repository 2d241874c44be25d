"""The one bleach allow-list.  Everything a user types is cleaned here when saved."""
import html
import re

import bleach

BODY_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ol", "ul", "li", "h2", "h3", "h4",
             "blockquote", "table", "thead", "tbody", "tr", "th", "td", "span", "div"}
BODY_ATTRIBUTES = {"td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"]}
_TAG = re.compile(r"<[a-zA-Z/!]")


def clean_body(value):
    """Rich text or pasted plain text → safe HTML.  Plain text keeps its paragraphs."""
    value = (value or "").replace("\r\n", "\n").strip()
    if not value:
        return ""
    if not _TAG.search(value):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", value) if p.strip()]
        value = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return bleach.clean(value, tags=BODY_TAGS, attributes=BODY_ATTRIBUTES,
                        protocols=set(), strip=True, strip_comments=True).strip()


def clean_text(value):
    """A plain-text field (title, comment): no markup survives, entities are decoded.

    The result is stored as text and escaped by Jinja when shown.  Cleaning repeats
    until stable so that encoded markup (``&lt;script&gt;``) cannot come back as a tag.
    """
    value = (value or "").strip()
    for _ in range(5):
        cleaned = html.unescape(bleach.clean(value, tags=set(), strip=True, strip_comments=True))
        if cleaned == value:
            break
        value = cleaned
    return value.strip()


def body_text(body_html):
    """The words of a body, for excerpts and search."""
    return html.unescape(bleach.clean(re.sub(r"</(p|li|h\d|tr|div)>", "\n", body_html or ""),
                                      tags=set(), strip=True)).strip()


_PLAIN_PARAGRAPHS = re.compile(r"^(<p>[^<]*</p>)*$")


def editable_body(body_html):
    """What the form's text box shows: plain paragraphs as plain text, richer HTML as HTML."""
    if _PLAIN_PARAGRAPHS.match(body_html or ""):
        return "\n\n".join(html.unescape(p) for p in re.findall(r"<p>([^<]*)</p>", body_html or ""))
    return body_html
