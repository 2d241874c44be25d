"""The production configuration under gunicorn with two workers, as the probe met it: headers on
the wire, a logged-out cookie refused by every worker, the login throttle shared by the workers
through Redis, the client address taken from a trusted proxy's X-Forwarded-For, and what answers
a URL that is too long (the app's Chinese 414, or gunicorn's own refusal past its request-line
limit)."""
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest

from ..servers import clean_env, flask, start_gunicorn, stop
from .test_throttling_redis import REDIS_URL, _redis

pytestmark = pytest.mark.skipif(_redis() is None, reason="no Redis at 127.0.0.1:6379")
DEMO_PASSWORD = "Demo-2026-gk"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser of sorts: cookies, the page's CSRF token, no redirects followed."""

    def __init__(self, base):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.token = None

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=20) as response:
                status, head, text = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            status, head, text = error.code, error.headers, error.read().decode("utf-8", "replace")
        match = (re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text)
                 or re.search(r'"X-CSRFToken": "([^"]+)"', text))
        if match:
            self.token = match.group(1)
        return status, head, text

    def login(self, username, password, headers=None):
        self.request("/login", headers=headers)
        return self.request("/login", {"csrf_token": self.token, "username": username, "password": password},
                            headers=headers)

    def session_cookie(self):
        return next(c.value for c in self.jar if c.name == "session")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("production")
    database = workdir / "reviewtool.db"
    prefix = f"reviewtool-security-test-{uuid.uuid4().hex}"
    env = clean_env(DATABASE_URL=f"sqlite:///{database}", REVIEWTOOL_CONFIG="production",
                    SECRET_KEY="p" * 64, SESSION_COOKIE_SECURE="0", RATELIMIT_STORAGE_URI=REDIS_URL,
                    THROTTLE_KEY_PREFIX=prefix, TRUSTED_PROXIES="1")
    for command in ("init-db", "seed-demo"):
        done = flask(env, command)
        assert done.returncode == 0, done.stdout + done.stderr
    proc, base = start_gunicorn(env, workdir / "gunicorn.log", workers=2)
    try:
        yield base, database
    finally:
        stop(proc)
        client = _redis()
        for key in client.scan_iter(match=f"*{prefix}*"):
            client.delete(key)
    log = (workdir / "gunicorn.log").read_text()
    assert "Traceback" not in log, log


def test_headers_on_the_wire(server):
    base, _ = server
    for path in ("/gk/", "/login", "/gk/feed.json", "/documents/"):
        status, headers, _ = Client(base).request(path)
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"
    _, headers, _ = Client(base).request("/gk/", headers={"X-Forwarded-Proto": "https"})
    assert headers["Strict-Transport-Security"] == "max-age=31536000"   # HTTPS as the proxy says


def test_a_cookie_copied_before_logout_is_refused_by_every_worker(server):
    base, database = server
    nigao = Client(base)
    assert nigao.login("nigao", DEMO_PASSWORD)[0] == 302
    assert nigao.request("/documents/")[0] == 200
    stolen, token = nigao.session_cookie(), nigao.token       # what a thief copies from the page
    assert nigao.request("/logout", {"csrf_token": token})[0] == 302
    with sqlite3.connect(database) as conn:
        draft = conn.execute("SELECT id FROM document WHERE state = 'draft'").fetchone()[0]
    for _ in range(6):                                       # both workers, several times
        status, headers, _ = Client(base).request("/documents/", headers={"Cookie": f"session={stolen}"})
        assert status == 302 and "/login" in headers["Location"]
        status, headers, _ = Client(base).request(f"/documents/{draft}/submit", {"csrf_token": token},
                                                  headers={"Cookie": f"session={stolen}"})
        assert status == 302 and "/login" in headers["Location"]
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT state FROM document WHERE id = ?", (draft,)).fetchone()[0] == "draft"


def test_the_workers_share_the_throttle_through_redis(server):
    base, database = server
    for _ in range(5):
        assert Client(base).login("nigao2", "wrong-password-1")[0] == 401
    status, _, page = Client(base).login("nigao2", DEMO_PASSWORD)
    assert status == 429 and "该账号登录失败次数过多" in page
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT subject FROM event WHERE action = 'login_lockout'").fetchall()
    assert len(rows) == 1


def test_behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own(server):
    base, _ = server
    crowd = {"X-Forwarded-For": "198.51.100.23"}
    for i in range(30):
        assert Client(base).login(f"nobody-{i}", "wrong-password-1", headers=crowd)[0] == 401
    status, _, page = Client(base).login("zhuyao", DEMO_PASSWORD, headers=crowd)
    assert status == 429 and "您所在网络地址" in page
    assert Client(base).login("zhuyao", DEMO_PASSWORD, headers={"X-Forwarded-For": "198.51.100.24"})[0] == 302


def test_urls_too_long_for_the_app_and_for_gunicorn(server):
    base, _ = server
    status, _, page = Client(base).request("/gk/?q=" + "x" * 3000)
    assert status == 414 and "网址过长" in page
    # Past gunicorn's limit_request_line (4094 by default, at most 8190) gunicorn answers
    # before the app, with its own English 414: README's deployment command raises the limit.
    status, _, page = Client(base).request("/gk/?q=" + "x" * 9000)
    assert status == 414 and "网址过长" not in page
