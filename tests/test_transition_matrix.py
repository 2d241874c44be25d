"""Every state × action × person, at the level of the workflow's guard: exactly the people this
table names may take a step; anyone else is refused with exactly the error class the rule gives
(WrongState: they could take this step, but not now; NotAllowed: not theirs to take).

The expectation is written out by hand from the bureau's rules, not derived from the code's
table, so a row added or a predicate changed without updating this list fails here.
"""
import pytest

from reviewtool.errors import NotAllowed, WrongState
from reviewtool.labels import Action, Role, State
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
    doc = make_document(State.DRAFT)
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
        doc = make_document(State.DRAFT)
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
