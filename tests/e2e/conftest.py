"""End-to-end fixtures: a real server process on a fresh SQLite file with the demo data,
and Debian's headless Chromium driven by Playwright's sync API.

Run:  .venv/bin/python -m pytest tests/e2e -q
Without /usr/bin/chromium (or the playwright package) these tests are skipped, unless
REQUIRE_E2E=1, in which case they fail.  Screenshots go to test-output/screenshots/.
"""
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from ..servers import ROOT, clean_env, flask, free_port, stop, wait_for_port

try:
    from playwright.sync_api import expect
except ImportError:             # the autouse fixture below skips (or fails) every test then
    expect = None

SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "Demo-2026-gk"
TIMEOUT_MS = 10_000
UPLOAD_LIMIT = 768 * 1024          # the server's Word import and attachment limits (768 KB)


def _why_not_runnable():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
    if expect is None:
        return "the Python package playwright is not installed"
    return None


@pytest.fixture(scope="session", autouse=True)
def _e2e_runnable():
    """Skip (or, with REQUIRE_E2E=1, fail) every browser test when the browser can't run."""
    reason = _why_not_runnable()
    if reason:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"REQUIRE_E2E=1 but the browser tests cannot run: {reason}")
        pytest.skip(f"e2e skipped: {reason}")


# --- the server ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """A real `flask run` process on 127.0.0.1, with init-db and seed-demo done: its base URL and
    its database file (a test may read it to check what the server wrote).  Nothing requests a
    page before the tests do: its first requests are theirs.  The body limit is 1 MB here, so a
    browser test can exceed it without typing 5 MB."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    database = workdir / "reviewtool.db"
    env = clean_env(DATABASE_URL=f"sqlite:///{database}", REVIEWTOOL_CONFIG="development",
                    MAX_CONTENT_LENGTH=str(1024 * 1024), ATTACHMENT_FOLDER=str(workdir / "attachments"),
                    # the upload limits stay under that body limit (the app refuses to start otherwise)
                    DOCX_IMPORT_MAX_BYTES=str(UPLOAD_LIMIT), ATTACHMENT_MAX_BYTES=str(UPLOAD_LIMIT))
    for command in ("init-db", "seed-demo"):
        done = flask(env, command)
        assert done.returncode == 0, f"flask {command} failed:\n{done.stdout}\n{done.stderr}"

    port = free_port()
    log_path = workdir / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--host", "127.0.0.1",
             "--port", str(port), "--no-reload", "--no-debugger", "--with-threads"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log_path)
        yield SimpleNamespace(url=f"http://127.0.0.1:{port}", database=database)
    finally:
        stop(proc)
    log = log_path.read_text()
    assert "Traceback" not in log, f"the server raised an exception during the tests:\n{log}"


@pytest.fixture(scope="session")
def live_server(live_site):
    """Base URL of the live server."""
    return live_site.url


# --- the browser ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session", autouse=True)
def _screenshot_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def assert_accessible(page, name):
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options=AXE_OPTIONS)
    problems = [f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
                for v in results.response["violations"]]
    assert not problems, f"axe-core on {name}:\n" + "\n".join(problems)


def screenshot(page, name, full_page=False):
    """Save what a 1366×768 screen shows now, as test-output/screenshots/<name>.png, and check
    the screen with axe-core (WCAG 2.1 AA)."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    assert_accessible(page, name)


class Session:
    """One person at one browser: an isolated context (own cookies) and its page."""

    def __init__(self, context, base_url):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.page_errors = []
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        # The Content-Security-Policy forbids inline script and style: a violation is an error.
        self.page.on("console", lambda message: self.page_errors.append(
            f"{self.page.url}: {message.text} {message.location}")
            if "Content Security Policy" in message.text else None)

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        return response

    def login(self, username, password=PASSWORD, shot=None):
        page = self.page
        self.goto("/")
        expect(page.get_by_role("heading", name="登录")).to_be_visible()
        if shot:
            screenshot(page, shot)
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".who")).to_contain_text("退出")
        return page

    def mark(self):
        """Set a marker on window; it survives only if no full page load happens."""
        self.page.evaluate("window.__e2eMarker = 'still-here'")

    def marker_survived(self):
        return self.page.evaluate("window.__e2eMarker") == "still-here"


@pytest.fixture
def open_session(chromium, live_server):
    """open_session('nigao') -> a logged-in Session in its own browser context."""
    expect.set_options(timeout=TIMEOUT_MS)
    sessions = []

    def make(username=None, shot=None):
        context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN",
                                       timezone_id="Asia/Shanghai")
        context.set_default_timeout(TIMEOUT_MS)
        session = Session(context, live_server)
        sessions.append(session)
        if username:
            session.login(username, shot=shot)
        return session

    yield make
    errors = [e for s in sessions for e in s.page_errors]
    for s in sessions:
        s.context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
