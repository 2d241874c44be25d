"""The login throttle on Redis (RATELIMIT_STORAGE_URI), as several gunicorn workers or nodes share
it: the machine's Redis at 127.0.0.1:6379, under a key prefix of this test's own (removed after).
A second app instance — another process, another node — sees the same lock."""
import uuid

import pytest
import redis

from reviewtool import create_app
from reviewtool.extensions import db as _db

from ..conftest import PASSWORD, app_on_fresh_database

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis():
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        return client
    except redis.exceptions.ConnectionError:
        return None


pytestmark = pytest.mark.skipif(_redis() is None, reason="no Redis at 127.0.0.1:6379")


@pytest.fixture
def prefix():
    value = f"reviewtool-security-test-{uuid.uuid4().hex}"
    yield value
    client = _redis()
    for key in client.scan_iter(match=f"*{value}*"):
        client.delete(key)


@pytest.fixture
def app(prefix):
    """This module's app: the throttle's storage is Redis."""
    with app_on_fresh_database(RATELIMIT_STORAGE_URI=REDIS_URL, THROTTLE_KEY_PREFIX=prefix) as app:
        yield app


def attempt(b, username, password):
    return b.post("/login", data=dict(username=username, password=password))


def test_failed_logins_are_counted_in_redis_and_lock_the_account(app, users, browser, prefix):
    b = browser()
    b.get("/login")
    for _ in range(5):
        assert attempt(b, "drafter", "wrong-password-1").status_code == 401
    keys = [k.decode() for k in _redis().scan_iter(match=f"*{prefix}*")]
    assert any(f"{prefix}/account/drafter" in k for k in keys), keys
    assert any(f"{prefix}/address/127.0.0.1" in k for k in keys), keys
    assert attempt(b, "drafter", PASSWORD).status_code == 429


def test_another_process_sees_the_lock(app, users, browser, prefix):
    b = browser()
    b.get("/login")
    for _ in range(5):
        attempt(b, "drafter", "wrong-password-1")
    assert attempt(b, "drafter", PASSWORD).status_code == 429
    other_node = create_app({"CONFIG": "testing", "RATELIMIT_STORAGE_URI": REDIS_URL,
                             "THROTTLE_KEY_PREFIX": prefix, "WTF_CSRF_ENABLED": False})
    client = other_node.test_client()
    refused = client.post("/login", data=dict(username="drafter", password=PASSWORD))
    assert refused.status_code == 429 and "该账号登录失败次数过多" in refused.get_data(True)
    # the lock's Event was written once, by the process that locked it
    from reviewtool.models import Event
    assert _db.session.query(Event).filter_by(action="login_lockout").count() == 1
