"""Checks on HTML as the browser will meet it: what user HTML may carry, and what a whole page
may carry.  A tokenizer (the standard library's ``html.parser``) walks the markup, so a ``>``
inside a quoted attribute is read as a browser reads it."""
import re
from html import unescape
from html.parser import HTMLParser

from reviewtool.sanitize import OUTPUT_TAGS, PII_TITLE, REDACTION_MARK_CLASS

VOID = {"br", "img", "input", "meta", "link", "hr", "col", "area", "base", "source", "wbr"}
CONTAINER = '<div class="user-content" hx-disable>'
_SPAN_NUMBER = re.compile(r"[1-9][0-9]{0,2}")


def _dangerous_value(value):
    flat = re.sub(r"[\x00-\x20]", "", unescape(value or "")).lower()
    return "javascript:" in flat or "vbscript:" in flat or "data:text/html" in flat


def _allowed_attribute(tag, name, value):
    value = value or ""
    if tag in ("td", "th") and name in ("colspan", "rowspan"):
        return bool(_SPAN_NUMBER.fullmatch(value))
    if tag == "span" and name == "class":
        return value == REDACTION_MARK_CLASS
    if tag == "mark":
        return ((name == "class" and re.fullmatch(r"pii pii-[a-z_]{1,20}", value) is not None)
                or (name == "data-kind" and re.fullmatch(r"[a-z_]{1,20}", value) is not None)
                or (name == "title" and value == PII_TITLE))
    return False


class PageInspector(HTMLParser):
    """Collects what is wrong with a page or fragment.

    Inside every user-content container: only the output allow-list's tags and attributes, no
    ``hx-*``/``on*``/``style``/``javascript:``, every tag closed in order, and the container
    closes where the user content ends.  Anywhere on the page: no inline script, no inline
    event handler, no style attribute or element (the CSP forbids them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.inside = None               # the open tags inside the current container
        self.containers = 0
        self.hx_outside = []             # (tag, attribute, value) of the page's own htmx attributes
        self._script_open = False

    def _problem(self, text):
        self.problems.append(f"{text} at {self.getpos()}")

    def _element(self, tag, attrs, closes_itself):
        names = [n for n, _ in attrs]
        for name, value in attrs:
            if name.startswith("on"):
                self._problem(f"event handler {name} on <{tag}>")
            if name == "style":
                self._problem(f"style attribute on <{tag}>")
            if _dangerous_value(value):
                self._problem(f"dangerous URL in {name} of <{tag}>: {value!r}")
        if tag == "style":
            self._problem("<style> element")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self._problem(f"script not from /static/: {attrs}")
            self._script_open = not closes_itself
        if self.inside is not None:
            if tag not in OUTPUT_TAGS:
                self._problem(f"tag <{tag}> in user content")
            for name, value in attrs:
                if name.startswith("hx-") or name.startswith("data-hx"):
                    self._problem(f"htmx attribute {name}={value!r} in user content")
                elif not _allowed_attribute(tag, name, value):
                    self._problem(f"attribute {name}={value!r} on <{tag}> in user content")
            if tag not in VOID and not closes_itself:
                self.inside.append(tag)
            return
        self.hx_outside += [(tag, n, v or "") for n, v in attrs if n.startswith("hx-")]
        if tag == "div" and dict(attrs).get("class") == "user-content":
            if "hx-disable" not in names:
                self._problem("user-content container without hx-disable")
            self.containers += 1
            self.inside = []

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_open = False
        if self.inside is None:
            return
        if not self.inside:
            if tag == "div":
                self.inside = None                   # the container closes
            else:
                self._problem(f"stray </{tag}> in user content")
            return
        if self.inside[-1] != tag:
            self._problem(f"</{tag}> closes <{self.inside[-1]}>: unbalanced user content")
            if tag in self.inside:
                del self.inside[self.inside.index(tag):]
        else:
            self.inside.pop()

    def handle_data(self, data):
        if self._script_open and data.strip():
            self._problem("inline script")

    def handle_comment(self, data):
        if self.inside is not None:
            self._problem("comment in user content")

    def unknown_decl(self, data):
        if self.inside is not None:
            self._problem(f"declaration in user content: {data!r}")

    def close(self):
        super().close()
        if self.inside is not None:
            self._problem(f"user content never closed (open: {self.inside})")


def inspect(html_text):
    inspector = PageInspector()
    inspector.feed(html_text)
    inspector.close()
    return inspector


def fragment_problems(fragment):
    """What is wrong with HTML the tool made from user HTML, as a template would insert it."""
    found = inspect(CONTAINER + fragment + "</div>")
    problems = list(found.problems)
    if found.containers != 1:
        problems.append(f"the fragment opened {found.containers - 1} more container(s)")
    return problems


def page_problems(html_text):
    return inspect(html_text).problems


def page_htmx(html_text, doc_id):
    """The page's own htmx attributes, with the document's id replaced, for comparing pages."""
    return sorted((t, n, v.replace(f"/{doc_id}/", "/ID/").replace(f"/{doc_id}", "/ID"))
                  for t, n, v in inspect(html_text).hx_outside if n != "hx-headers")
