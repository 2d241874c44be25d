"""Issue 8: “Bad input gives 500s: a NUL byte in /gk/?q=, ?category= or a login name; ?page=
beyond bigint; then the error page itself fails for logged-in users (nav counts query inside an
aborted transaction) and shows bare English.”

The walk: every rule of ``app.url_map``, GET and POST, as the role that reaches it and
anonymously.  A first request records which query parameters and form fields the view reads
(a recording request class); then each of them gets a NUL byte, an integer beyond bigint and an
overlong string, and so do the path parameters whose converter takes them: 2 MB in a form field;
in a URL, the longest value the URL limit admits (a longer URL is refused before any view with
a 414, see test_a_very_long_url_gets_a_chinese_414).  No answer is a 500; every page answers in
Chinese."""
import json
import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import text
from werkzeug.datastructures import ImmutableMultiDict

from reviewtool.extensions import db as _db

from ..conftest import IS_POSTGRES

NUL = "a\x00b"
HUGE = "9" * 30                               # beyond bigint (9.2e18)
LONG = "x" * (2 * 1024 * 1024)                # 2 MB, as a form field sends it
IN_URL = "长" * 200                            # 1800 characters percent-encoded: within MAX_URL_LENGTH
BAD_VALUES = {"nul": NUL, "huge": HUGE, "2mb": LONG}
BAD_IN_URL = {"nul": NUL, "huge": HUGE, "long": IN_URL}
CJK = re.compile(r"[\u4e00-\u9fff]")
READ = set()


class RecordingParameters(ImmutableMultiDict):
    """The query string or form, noting every key a view looks up."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        READ.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


def assert_answered(response, what):
    """Not a 500, and something a person can read in Chinese (or a redirect, or data)."""
    status = response.status_code
    assert status < 500, (what, status, response.get_data(True)[:300])
    if status in (301, 302, 303):
        assert response.headers["Location"], what
    elif status == 204:
        pass
    elif response.mimetype == "application/json":
        json.loads(response.get_data(True))
    elif response.mimetype == "text/html":
        assert CJK.search(response.get_data(True)), (what, status)
    response.close()


def post_long(me, url, key):
    """POST the 2 MB value in ``key`` (the body encoded once, not by the client each time)."""
    body = urlencode({"csrf_token": me.token or "", key: ""}) + LONG
    with me.app.app_context():
        response = me.client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    _db.session.expire_all()
    return response


@pytest.fixture
def recording(app):
    class RecordingRequest(app.request_class):
        parameter_storage_class = RecordingParameters
    app.request_class = RecordingRequest
    app.config["RATELIMIT_ENABLED"] = True
    app.config["LOGIN_LIMIT_ACCOUNT"] = app.config["LOGIN_LIMIT_ADDRESS"] = "100000 per minute"
    return READ


def test_every_parameter_of_every_route_survives_bad_values(app, world, browser, recording):
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    walked = {}
    for rule in rules:
        role = world.role_for(rule.endpoint)
        url = world.url_for_rule(rule)
        for method in sorted({"GET", "POST"} & rule.methods):
            me = browser(role) if role else browser()
            me.get(url if method == "GET" else "/login").close()     # a page first: its CSRF token
            send = me.get if method == "GET" else me.post
            READ.clear()
            assert_answered(send(url), (method, url))
            keys = sorted(READ - {"csrf_token"})
            walked[(method, rule.endpoint)] = keys
            for key in keys:
                for name, value in (BAD_IN_URL if method == "GET" else BAD_VALUES).items():
                    what = (method, url, key, name)
                    if method == "GET":
                        assert_answered(me.get(url, query_string={key: value}), what)
                        assert_answered(browser().get(url, query_string={key: value}), what + ("anonymous",))
                    else:
                        assert_answered(post_long(me, url, key) if name == "2mb" else me.post(url, {key: value}), what)
                        if name != "2mb":            # the same path as without htmx, 2 MB again
                            assert_answered(me.post(url, {key: value}, htmx=True), what + ("htmx",))
            for name in rule.arguments:          # path parameters the converter lets through
                for label, value in BAD_IN_URL.items():
                    try:
                        bad_url = world.url_for_rule(rule, **{name: value})
                    except Exception:            # the converter refuses to build it: unreachable
                        continue
                    assert_answered(send(bad_url), (method, bad_url[:80], name, label))
    # The walk saw the parameters the issue named, and what the main forms read.
    assert {"q", "category", "year"} <= set(walked[("GET", "public.index")])
    assert "page" in walked[("GET", "documents.home")]
    assert {"username", "password"} <= set(walked[("POST", "auth.login")])
    assert {"title", "body_html", "disclosure"} <= set(walked[("POST", "documents.new")])
    assert "comment" in walked[("POST", "review.decide")]


@pytest.mark.parametrize("url", ["/gk/?q=a%00b", "/gk/?category=%00", "/gk/?year=%00",
                                 "/gk/?q=" + "x" * 1500, "/gk/?year=" + HUGE])
def test_the_public_catalogue_answers_bad_queries_in_chinese(world, browser, url):
    response = browser().get(url)
    status = 400 if "%00" in url else 200
    assert response.status_code == status and CJK.search(response.get_data(True))


def test_a_nul_byte_in_the_login_name(world, browser):
    b = browser()
    b.get("/login")
    response = b.post("/login", {"username": "drafter\x00", "password": "x-long-password"})
    page = response.get_data(True)
    assert response.status_code == 400 and "空字符" in page


@pytest.mark.parametrize("url", ["/documents/?page=" + HUGE, "/documents/?page=-" + HUGE,
                                 "/office/documents?page=" + HUGE, "/office/documents?division=" + HUGE])
def test_page_numbers_beyond_bigint_are_the_first_page(world, browser, url):
    who = "office" if url.startswith("/office") else "drafter"
    response = browser(who).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/documents/" + HUGE, "/gk/" + HUGE, "/documents/2147483648/history",
                                 "/admin/calendar/" + HUGE, "/documents/1/redactions/" + HUGE + "/withdraw"])
def test_ids_beyond_the_database_range_are_not_found(world, browser, url):
    me = browser("admin" if "admin" in url else "drafter")
    response = me.post(url) if url.endswith("withdraw") else me.get(url)
    assert response.status_code == 404 and "找不到" in response.get_data(True)


def test_a_very_long_url_gets_a_chinese_414(world, browser):
    response = browser("drafter").get("/documents/?list=" + "x" * 3000)
    assert response.status_code == 414 and "网址过长" in response.get_data(True)
    htmx = browser("drafter").get("/documents/?list=" + "x" * 3000, headers={"HX-Request": "true"})
    assert htmx.status_code == 414 and htmx.headers["HX-Retarget"] == "#request-error"


def test_the_error_page_rolls_back_and_queries_nothing(app, world, browser):
    """A view that breaks the transaction: the 500 page still renders for a signed-in user
    (on PostgreSQL a query inside the aborted transaction would fail), in Chinese, bare."""
    def broken():
        _db.session.execute(text("SELECT * FROM no_such_table"))
    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = browser("office").get("/broken-for-test")
    page = response.get_data(True)
    assert response.status_code == 500 and "系统内部错误" in page
    assert 'class="mainnav"' not in page            # no navigation: its counts would query
    assert browser("office").get("/documents/").status_code == 200


@pytest.mark.skipif(not IS_POSTGRES, reason="the aborted-transaction case is PostgreSQL's")
def test_after_a_database_error_the_next_request_of_the_same_worker_works(app, world, browser):
    def broken():
        _db.session.execute(text("SELECT 1/0"))
    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    office = browser("office")
    assert office.get("/broken-for-test").status_code == 500
    assert office.get("/office/dashboard").status_code == 200
