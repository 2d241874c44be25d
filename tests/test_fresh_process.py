"""A fresh server process, as every new gunicorn worker is: its very first requests are anonymous
public pages (a portal harvester, a citizen), before anyone has logged in."""
import json
import sqlite3

import pytest

from .servers import clean_env, flask, get, start_gunicorn, stop

SECRET = "f" * 64


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("fresh")
    database = workdir / "reviewtool.db"
    env = clean_env(DATABASE_URL=f"sqlite:///{database}", REVIEWTOOL_CONFIG="production",
                    SECRET_KEY=SECRET, SESSION_COOKIE_SECURE="0")
    for command in ("init-db", "seed-demo"):
        done = flask(env, command)
        assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(database) as conn:                 # read without asking the server
        published = [row[0] for row in conn.execute(
            "SELECT id FROM document WHERE state = 'published' ORDER BY id")]
    proc, base = start_gunicorn(env, workdir / "gunicorn.log", workers=2)
    try:
        yield base, published
    finally:
        stop(proc)
    log = (workdir / "gunicorn.log").read_text()
    assert "Traceback" not in log, log


def test_the_first_requests_of_a_fresh_process_are_served(fresh_server):
    base, published = fresh_server
    # Every worker's first request: each URL several times, so both workers meet each one first.
    for _ in range(3):
        for path in ("/gk/", "/gk/feed.json", f"/gk/{published[0]}", "/login"):
            status, _, body = get(base + path)
            assert status == 200, (path, status, body[:500])
    status, headers, body = get(base + "/gk/feed.json")
    assert headers["Content-Type"].startswith("application/json")
    assert sorted(item["id"] for item in json.loads(body)["items"]) == published
    assert "政府信息公开目录" in get(base + "/gk/")[2]
