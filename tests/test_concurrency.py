"""Two people acting on one document at once: exactly one succeeds, the other is told who won."""
import threading

import pytest

from reviewtool.labels import State
from reviewtool.models import Document, Event, User
from reviewtool.errors import Conflict
from reviewtool.workflow import perform

from .conftest import IS_POSTGRES


def test_stale_write_is_refused_with_who_handled_it(app, db, users, make_document):
    """Optimistic lock, on any database: a decision taken on an outdated copy fails cleanly."""
    doc = make_document(State.PRINCIPAL_REVIEW)
    doc_id, principal_id = doc.id, users["principal"].id
    assert doc.state == State.PRINCIPAL_REVIEW.value          # this session's copy, loaded now

    with app.app_context():                                      # someone else, another session
        other = db.session.get(User, principal_id)
        perform(db.session.get(Document, doc_id), "principal_sign_off", other, "同意签发")
        db.session.commit()

    with pytest.raises(Conflict) as lost:                        # our copy is outdated
        perform(doc, "send_back", users["principal"], "请修改")
    assert "已由PRINCIPAL" in lost.value.message and "主要负责人签发" in lost.value.message
    db.session.expire_all()
    assert db.session.get(Document, doc_id).state == State.PUBLISH_QUEUE.value
    assert db.session.query(Event).filter_by(document_id=doc_id, action="send_back").count() == 0


@pytest.mark.postgres
@pytest.mark.skipif(not IS_POSTGRES, reason="concurrency is proven on PostgreSQL (set DATABASE_URL)")
def test_two_concurrent_approvals_exactly_one_succeeds(app, db, users, make_document, browser):
    doc_id = make_document(State.PRINCIPAL_REVIEW).id
    first, second = browser("principal"), browser("principal")
    barrier = threading.Barrier(2)
    results = []

    def approve(b):
        barrier.wait()
        results.append(b.post(f"/review/{doc_id}/principal_sign_off", {"comment": "同意"}))

    threads = [threading.Thread(target=approve, args=(b,)) for b in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r in results)
    assert codes[0] == 302, codes
    assert codes[1] == 409, codes
    loser = next(r for r in results if r.status_code != 302).get_data(True)
    assert "已由PRINCIPAL于" in loser and "主要负责人签发" in loser       # who got there first, when
    db.session.expire_all()
    sign_offs = db.session.query(Event).filter_by(document_id=doc_id, action="principal_sign_off").count()
    assert sign_offs == 1
    assert db.session.get(Document, doc_id).state == State.PUBLISH_QUEUE.value
