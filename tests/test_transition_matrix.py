"""Every state × action × person, at the level of the workflow's guard: exactly the people this
table names may take a step; anyone else is refused with exactly the error class the rule gives
(WrongState: they could take this step, but not now; NotAllowed: not theirs to take).

The expectation is written out by hand from the bureau's rules, not derived from the code's
table, so a row added or a predicate changed without updating this list fails here.
"""
import pytest

from reviewtool.errors import NotAllowed, WrongState
from reviewtool.labels import Action, Disclosure, Role, State
from reviewtool.workflow import allowed, allowed_actions, refusal

A, S = Action, State
# (action, state) -> who may take it.  "drafter" is the document's own drafter.
MAY = {
    (A.SUBMIT, S.DRAFT): {"drafter"},
    (A.SUBMIT, S.RETURNED): {"drafter"},
    (A.OFFICE_PASS, S.OFFICE_CHECK): {"office"},
    (A.RETURN_TO_DRAFTER, S.OFFICE_CHECK): {"office"},
    (A.DIVISION_SIGN_OFF, S.DIVISION_REVIEW): {"head"},
    (A.SEND_BACK, S.DIVISION_REVIEW): {"head"},
    (A.PRINCIPAL_SIGN_OFF, S.PRINCIPAL_REVIEW): {"principal"},
    (A.SEND_BACK, S.PRINCIPAL_REVIEW): {"principal"},
    (A.CONFIDENTIALITY_PASS, S.PUBLISH_QUEUE): {"office"},
    (A.CONFIDENTIALITY_FAIL, S.PUBLISH_QUEUE): {"office"},
    (A.MARK_PUBLISHED, S.PUBLISH_QUEUE): {"office"},
    (A.MARK_INTERPRETATION_PUBLISHED, S.PUBLISHED): {"office", "drafter"},
    (A.SUBMIT_REVIEW, S.REVIEW_PENDING): {"drafter"},
    (A.DIVISION_SIGN_OFF, S.REVIEW_DIVISION): {"head"},
    (A.SEND_BACK, S.REVIEW_DIVISION): {"head"},
    (A.PRINCIPAL_SIGN_OFF, S.REVIEW_PRINCIPAL): {"principal"},
    (A.SEND_BACK, S.REVIEW_PRINCIPAL): {"principal"},
    # 定期评估审查: the office keeps or converts what rests undisclosed; the principal signs a
    # conversion or refuses it; the office submits or withdraws its own proposal.
    (A.RE_REVIEW_KEEP, S.ARCHIVED): {"office"},
    (A.RE_REVIEW_KEEP, S.PUBLISHED): {"office"},
    (A.CONVERT_TO_PROACTIVE, S.ARCHIVED): {"office"},
    (A.CONVERT_TO_PROACTIVE, S.PUBLISHED): {"office"},
    (A.CONVERT_TO_REDACTED, S.ARCHIVED): {"office"},
    (A.CONVERSION_SUBMIT, S.CONVERT_REDACT): {"office"},
    (A.CONVERSION_WITHDRAW, S.CONVERT_REDACT): {"office"},
    (A.CONVERSION_WITHDRAW, S.CONVERT_SIGN): {"office"},
    (A.PRINCIPAL_SIGN_OFF, S.CONVERT_SIGN): {"principal"},
    (A.CONVERSION_REFUSE, S.CONVERT_SIGN): {"principal"},
}
WORKFLOW_ACTIONS = sorted({a for a, _ in MAY}, key=lambda a: a.value)
# People who act in a role on a document they drafted themselves: never allowed (self-approval).
SELF_DEALERS = {"office_drafter": Role.OFFICE, "head_drafter": Role.DIVISION_HEAD,
                "principal_drafter": Role.PRINCIPAL}
PEOPLE = ["drafter", "colleague", "outsider", "head", "other_head", "principal", "office", "admin"]


def expected(action, state, person):
    if person in MAY.get((action, state), set()):
        return None
    if any(person in who for (a, _), who in MAY.items() if a == action):
        return WrongState
    return NotAllowed


@pytest.fixture
def people(users, make_user):
    out = dict(users)
    out["office_drafter"] = make_user("office_drafter", Role.OFFICE)
    out["head_drafter"] = make_user("head_drafter", Role.DIVISION_HEAD, leads=["综合规划科"])
    out["principal_drafter"] = make_user("principal_drafter", Role.PRINCIPAL)
    return out


def test_the_table_matches_the_workflow_rows():
    from reviewtool.workflow import TRANSITIONS
    rows = {(t.action, s) for t in TRANSITIONS for s in t.sources}
    assert rows == set(MAY)


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_each_person_each_action_in_this_state(db, people, make_document, state):
    # 依申请公开: the attribute every row applies to (the re-review rows need one not disclosed)
    doc = make_document(State.DRAFT, Disclosure.ON_REQUEST)
    doc.state = state
    db.session.flush()
    mismatches = []
    for action in WORKFLOW_ACTIONS:
        for person in PEOPLE:
            want = expected(action, state, person)
            got = refusal(doc, action, people[person])
            if (want is None) != (got is None) or (want and type(got) is not want):
                mismatches.append((action.value, person, want and want.__name__,
                                   got and type(got).__name__))
            if allowed(doc, action, people[person]) != (want is None):
                mismatches.append(("allowed()", action.value, person))
        # the buttons a person sees are exactly the steps they may take
        for person in PEOPLE:
            shown = set(allowed_actions(doc, people[person]))
            may = {a for a in WORKFLOW_ACTIONS if expected(a, state, person) is None}
            if shown != may:
                mismatches.append(("buttons", person, sorted(shown), sorted(may)))
    assert mismatches == []


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_nobody_acts_on_their_own_document_in_any_role(db, people, make_document, state):
    refused = []
    for person, role in SELF_DEALERS.items():
        doc = make_document(State.DRAFT, Disclosure.ON_REQUEST)
        doc.state, doc.drafter_id = state, people[person].id
        db.session.flush()
        for action in WORKFLOW_ACTIONS:
            error = refusal(doc, action, people[person])
            if not isinstance(error, NotAllowed):
                refused.append((person, action.value, error))
            elif "本人起草" not in error.message and "drafter" not in MAY.get((action, state), ()):
                refused.append((person, action.value, error.message))
        assert allowed_actions(doc, people[person]) == []
    assert refused == []


@pytest.mark.parametrize("disclosure", [Disclosure.PROACTIVE, Disclosure.REDACTED],
                         ids=lambda d: d.value)
def test_what_was_disclosed_is_not_re_reviewed_as_withheld(db, people, make_document, disclosure):
    """A published proactive document has nothing to re-review; a 删减后公开 one may only become
    主动公开 (or stay), never 删减后公开 again."""
    doc = make_document(State.DRAFT, disclosure)
    doc.state = State.PUBLISHED if disclosure == Disclosure.PROACTIVE else State.ARCHIVED
    db.session.flush()
    office = people["office"]
    shown = set(allowed_actions(doc, office))
    if disclosure == Disclosure.PROACTIVE:
        assert not shown & {A.RE_REVIEW_KEEP, A.CONVERT_TO_PROACTIVE, A.CONVERT_TO_REDACTED}
        assert isinstance(refusal(doc, A.RE_REVIEW_KEEP, office), NotAllowed)
    else:
        assert {A.RE_REVIEW_KEEP, A.CONVERT_TO_PROACTIVE} <= shown
        assert A.CONVERT_TO_REDACTED not in shown
        assert "依申请公开、不予公开" in refusal(doc, A.CONVERT_TO_REDACTED, office).message
