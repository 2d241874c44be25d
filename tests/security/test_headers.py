"""Issue 8: “Security headers on every response … tested on every URL of the map.”  Every rule of
``app.url_map`` is requested (GET with real ids as the role that reaches it, anonymously, and POST
refused without a token or taken with one) and every answer carries the headers; every HTML page
is free of inline script, inline handlers and style attributes (the CSP would block them)."""
import re
from pathlib import Path

import pytest

from reviewtool.security import CONTENT_SECURITY_POLICY

from .checks import page_problems

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def check_headers(response, url, static=False):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name, response.headers.get(name))
    if static:
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
    else:
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
    if response.mimetype == "text/html" and response.status_code == 200:
        assert page_problems(response.get_data(True)) == [], url
    response.close()                        # a static file's handle


def test_the_policy_itself():
    policy = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_every_url_of_the_map_carries_the_headers(app, world, browser):
    sessions = {}

    def as_role(role):
        if role not in sessions:
            sessions[role] = browser(role)
        return sessions[role]

    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    gets = [r for r in rules if "GET" in r.methods]
    posts = [r for r in rules if "POST" in r.methods]
    assert len(gets) > 25 and len(posts) > 20
    for rule in gets:
        url = world.url_for_rule(rule)
        role = world.role_for(rule.endpoint)
        for who in {role, None}:
            response = (as_role(who) if who else browser()).get(url)
            assert response.status_code != 500, url
            check_headers(response, url, static=rule.endpoint == "static")
        if rule.endpoint == "publishing.export":
            for fmt in ("csv", "xlsx"):
                export = world.url_for_rule(rule, fmt=fmt)
                response = as_role("office").get(export)
                assert response.status_code == 200, export
                check_headers(response, export)
    for rule in posts:
        url = world.url_for_rule(rule)
        refused = as_role(world.role_for(rule.endpoint)).post(url, csrf=False)
        assert refused.status_code == 400, url                  # no CSRF token
        check_headers(refused, url)
        check_headers(browser().post(url, csrf=False), url)


def test_authenticated_pages_and_redirects_and_errors_are_not_stored(world, browser):
    drafter = browser("drafter")
    for response in (drafter.get("/documents/"), drafter.post("/logout"), drafter.get("/documents/99999"),
                     browser("office").get("/publishing/export.json")):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https(world, browser):
    plain = browser().get("/gk/")
    assert "Strict-Transport-Security" not in plain.headers
    secure = browser().get("/gk/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_no_template_uses_inline_style_or_script(path):
    text = path.read_text(encoding="utf-8")
    assert "style=" not in text and "<style" not in text, path
    assert not re.search(r"\son[a-z]+\s*=", text), path
    for line in text.splitlines():
        if "<script" in line:
            assert "src=" in line and "</script>" in line, (path, line)


def test_htmx_runs_with_nothing_the_policy_would_block(world, browser):
    """No eval, no script tags from responses, requests only to this site, no injected indicator
    styles, and no style attribute copied while settling a swap (that is an inline style)."""
    import json
    from html import unescape
    page = browser("drafter").get("/documents/").get_data(True)
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    config = json.loads(unescape(meta))
    assert config["allowEval"] is False and config["allowScriptTags"] is False
    assert config["selfRequestsOnly"] is True and config["includeIndicatorStyles"] is False
    assert "style" not in config["attributesToSettle"]
