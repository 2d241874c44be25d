"""Fixtures: an app on a real database (SQLite in memory, or PostgreSQL when DATABASE_URL
points at it), factories for users and documents, and a client that logs in and carries
real CSRF tokens the way a browser does."""
import os
import re
from contextlib import contextmanager

import pytest
from flask import has_app_context
from werkzeug.security import generate_password_hash

from reviewtool import create_app
from reviewtool.extensions import db as _db
from reviewtool.labels import Disclosure, LegalBasis, Role, State
from reviewtool.models import Division, User
from reviewtool.operations import add_redaction_span
from reviewtool.sanitize import body_text
from reviewtool.workflow import create_document, perform

PASSWORD = "secret-pass-1"
# Hashed once, cheaply: the app's own hashing is exercised by the auth tests.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
IS_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
REASON = "附件列有运输企业负责人姓名和联系电话，公开会损害第三方合法权益。"


@contextmanager
def app_on_fresh_database(**config):
    """The app (testing config, with ``config`` over it) in its context, on empty tables."""
    app = create_app({"CONFIG": "testing", **config})
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def app(tmp_path):
    with app_on_fresh_database(ATTACHMENT_FOLDER=str(tmp_path / "attachments")) as app:
        yield app


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def divisions(db):
    made = {name: Division(name=name) for name in ("综合规划科", "运输管理科")}
    db.session.add_all(made.values())
    db.session.commit()
    return made


@pytest.fixture
def make_user(db, divisions):
    def make(username, role, division=None, leads=()):
        user = User(username=username, name=username.upper(), role=Role(role).value,
                    division=divisions.get(division), active=True,
                    led_divisions=[divisions[d] for d in leads])
        user.password_hash = PASSWORD_HASH
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def users(make_user):
    """One of each role; 'head' leads 综合规划科, 'other_head' leads 运输管理科."""
    return dict(
        drafter=make_user("drafter", Role.DRAFTER, "综合规划科"),
        colleague=make_user("colleague", Role.DRAFTER, "综合规划科"),
        outsider=make_user("outsider", Role.DRAFTER, "运输管理科"),
        head=make_user("head", Role.DIVISION_HEAD, leads=["综合规划科"]),
        other_head=make_user("other_head", Role.DIVISION_HEAD, leads=["运输管理科"]),
        principal=make_user("principal", Role.PRINCIPAL),
        office=make_user("office", Role.OFFICE),
        admin=make_user("admin", Role.ADMIN),
    )


TAGS = {
    Disclosure.PROACTIVE: dict(disclosure="proactive", channels="portal"),
    Disclosure.ON_REQUEST: dict(disclosure="on_request", legal_basis=LegalBasis.NOT_PROACTIVE_SCOPE.value,
                                reason_text="本文为针对个别企业的答复函，不涉及公众利益调整，可依申请公开。"),
    Disclosure.REDACTED: dict(disclosure="redacted", channels="portal",
                              legal_basis=LegalBasis.SEPARABLE.value,
                              reason_text="附件中涉及当事人身份信息的内容删除后，其余部分可以公开。"),
    Disclosure.WITHHELD: dict(disclosure="withheld", legal_basis=LegalBasis.THIRD_PARTY.value,
                              reason_text=REASON),
}


@pytest.fixture
def make_document(db, users):
    """make_document(state=..., disclosure=...) walks a document through the real workflow."""
    path = [(State.OFFICE_CHECK, None), (State.DIVISION_REVIEW, ("office_pass", "office")),
            (State.PRINCIPAL_REVIEW, ("division_sign_off", "head")),
            ("approved", ("principal_sign_off", "principal"))]

    def make(state=State.DRAFT, disclosure=Disclosure.PROACTIVE, drafter="drafter", **fields):
        tags = dict(TAGS[disclosure]) if disclosure else {}
        tags.update(fields)
        tags.setdefault("title", "关于开展交通运输政务公开培训的通知")
        tags.setdefault("body_html", "<p>为提升政务公开工作水平，定于下月开展培训。</p>")
        doc = create_document(users[drafter], **tags)
        if tags.get("disclosure") == Disclosure.REDACTED.value and state != State.DRAFT:
            # 删减后公开 is submitted with a span
            add_redaction_span(doc, users[drafter], body_text(doc.body_html)[:6],
                               LegalBasis.SEPARABLE.value)
        if state == State.DRAFT:
            db.session.commit()
            return doc
        perform(doc, "submit", users[drafter])
        target = "approved" if state in (State.PUBLISH_QUEUE, State.ARCHIVED) else state
        for reached, step in path[1:]:
            if doc.state == getattr(target, "value", target) or (
                    target == "approved" and doc.state in ("publish_queue", "archived")):
                break
            perform(doc, step[0], users[step[1]])
        db.session.commit()
        return doc
    return make


class Browser:
    """A test client that logs in and posts forms with the CSRF token the page gave it."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.token = None

    def login(self, username, password=PASSWORD):
        self.get("/login")
        response = self.post("/login", data=dict(username=username, password=password))
        self.get("/documents/", follow_redirects=True)
        return response

    def _remember_token(self, response):
        if response.mimetype != "text/html":          # exports (xlsx) and downloads are not pages
            return
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(True)) \
            or re.search(r'"X-CSRFToken": "([^"]+)"', response.get_data(True))
        if match:
            self.token = match.group(1)

    def get(self, url, **kw):
        with self.app.app_context():        # each request its own app context, as in production
            response = self.client.get(url, **kw)
        self._remember_token(response)
        return response

    def post(self, url, data=None, htmx=False, csrf=True, **kw):
        data = data if isinstance(data, bytes) else dict(data or {})
        headers = dict(kw.pop("headers", {}))
        if htmx:
            headers["HX-Request"] = "true"
        if csrf:
            if htmx:
                headers["X-CSRFToken"] = self.token
            else:
                data.setdefault("csrf_token", self.token)
        with self.app.app_context():
            response = self.client.post(url, data=data, headers=headers, **kw)
        if has_app_context():
            _db.session.expire_all()        # the test's own session sees what the request wrote
        return response


    def upload(self, url, fields, htmx=False):
        """A multipart POST (files as (BytesIO, filename) pairs) with the CSRF token, encoded here
        in memory (the test client would spool a large body to a file it never closes)."""
        from werkzeug.datastructures import FileStorage, MultiDict
        from werkzeug.test import encode_multipart
        values = MultiDict()
        for name, value in dict(fields, csrf_token=self.token).items():
            if isinstance(value, tuple):
                value = FileStorage(value[0], filename=value[1], name=name)
            for item in (value if isinstance(value, list) else [value]):
                values.add(name, item)
        boundary, body = encode_multipart(values)
        return self.post(url, data=body, csrf=False, htmx=htmx,
                         content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def browser(app):
    def make(username=None):
        b = Browser(app)
        if username:
            response = b.login(username)
            assert response.status_code == 302, response.get_data(True)
        return b
    return make
