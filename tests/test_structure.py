"""The shape of the code: no import circle, no arrow back up, one home for each rule.

Imports are read with ``ast`` from every module of ``reviewtool/`` (function-local ones too) and
checked against the layers below: a module may import its own layer or a lower one, never a
higher one, and the graph has no cycle.
"""
import ast
from pathlib import Path

import pytest

from reviewtool.labels import Action
from reviewtool.workflow import ACTIONS, TRANSITIONS

PACKAGE = Path(__file__).resolve().parents[1] / "reviewtool"

# Lowest first.  A module's layer is the first entry that names it or a package above it.
LAYERS = [
    {"labels", "errors", "dates", "extensions", "sanitize", "passwords", "mail"},
    {"models"},
    {"permissions", "audit", "calendar.workdays", "publishing.pii", "publishing.redaction",
     "publishing", "calendar", "gongwen"},          # gongwen: the 公文 in and out (GB/T 9704)
    {"calendar.entry", "rules", "deadlines", "publishing.catalogue", "rereview", "notifications"},
    {"workflow", "operations", "forms"},
    {"queries", "sweep"},
    {"views", "demo"},
    {"template_helpers", "cli", "security"},
    {""},                                                     # reviewtool/__init__: create_app
]


def module_name(path):
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path):
    """The reviewtool modules a file imports (relative or absolute, at any depth of the file)."""
    name = module_name(path)
    is_package = path.name == "__init__.py"
    here = name.split(".") if name else []
    if not is_package:
        here = here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "reviewtool":
                target = node.module[len("reviewtool."):] if node.module != "reviewtool" else ""
            else:
                continue
            for alias in node.names:          # `from . import x` may name a submodule
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if (PACKAGE / sub.replace(".", "/")).exists()
                          or (PACKAGE / (sub.replace(".", "/") + ".py")).exists() else target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "reviewtool":
                    found.add(alias.name[len("reviewtool."):] if alias.name != "reviewtool" else "")
    found.discard(name)
    return found


def layer_of(name):
    for depth, layer in enumerate(LAYERS):
        for entry in layer:
            if name == entry or (entry and name.startswith(entry + ".")):
                return depth
    raise AssertionError(f"module reviewtool.{name} has no layer in tests/test_structure.py")


@pytest.fixture(scope="module")
def graph():
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def test_every_import_goes_down_or_across(graph):
    upward = [(m, t) for m, targets in graph.items() for t in targets
              if layer_of(t) > layer_of(m)]
    assert upward == [], f"imports that run back up: {upward}"


def test_the_import_graph_has_no_cycle(graph):
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == [], f"import circles: {cycles}"


def test_nothing_inside_imports_the_app_factory(graph):
    assert [m for m, targets in graph.items() if "" in targets and m] == []


# --- the transition table is complete --------------------------------------------------------------
def test_every_transition_has_a_route(app):
    from reviewtool.views.common import ACTION_ENDPOINTS
    assert set(ACTIONS) <= set(ACTION_ENDPOINTS), set(ACTIONS) - set(ACTION_ENDPOINTS)
    for action, (endpoint, _) in ACTION_ENDPOINTS.items():
        assert endpoint in app.view_functions, (action, endpoint)


def test_every_action_that_needs_a_comment_gets_a_comment_field(app, db, users, browser,
                                                                 make_document):
    """The panel of a document in each source state of a comment-requiring transition offers a
    comment box to whoever may take it; the re-review's outcomes take theirs on its own page."""
    from reviewtool.labels import Disclosure, State
    states = {State.OFFICE_CHECK: "office", State.DIVISION_REVIEW: "head",
              State.PRINCIPAL_REVIEW: "principal", State.PUBLISH_QUEUE: "office",
              State.CONVERT_REDACT: "office", State.CONVERT_SIGN: "principal"}
    needing = {t.action for t in TRANSITIONS if t.needs_comment}
    assert needing == {Action.RETURN_TO_DRAFTER, Action.SEND_BACK, Action.CONFIDENTIALITY_FAIL,
                       Action.RE_REVIEW_KEEP, Action.CONVERT_TO_PROACTIVE, Action.CONVERT_TO_REDACTED,
                       Action.CONVERSION_WITHDRAW, Action.CONVERSION_REFUSE}
    for state, username in states.items():
        if state in (State.CONVERT_REDACT, State.CONVERT_SIGN):
            doc = make_document(State.ARCHIVED, Disclosure.ON_REQUEST)
            doc.state = state
            db.session.commit()
        else:
            doc = make_document(state)
        page = browser(username).get(f"/documents/{doc.id}").get_data(True)
        assert 'name="comment"' in page and "退回时必填" in page, state
    archived = make_document(State.ARCHIVED, Disclosure.WITHHELD)
    office = browser("office")
    assert f'href="/office/re-review/{archived.id}"' in office.get(f"/documents/{archived.id}").get_data(True)
    page = office.get(f"/office/re-review/{archived.id}").get_data(True)
    assert 'name="comment"' in page and "评估理由" in page


def test_every_post_route_commits_through_the_one_wrapper(app):
    posts = [r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())]
    assert posts
    assert [e for e in posts if not getattr(app.view_functions[e], "commits", False)] == []


def test_no_template_marks_html_safe_itself():
    """User HTML reaches a page only through ``sanitize.safe_html`` (re-sanitized, hx-disable)."""
    templates = Path(__file__).resolve().parents[1] / "templates"
    offenders = [str(p) for p in templates.rglob("*.html")
                 if "|safe" in p.read_text().replace(" ", "")]
    assert offenders == []
