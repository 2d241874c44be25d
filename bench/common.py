"""Shared bits of the benchmark harness: paths, the database URL, and the safety checks.

Nothing here is imported by the app; the harness only imports the app.
"""
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
# The app measured: this checkout, or a pinned copy of it (BENCH_APP_ROOT), e.g.
#   git archive HEAD | tar -x -C /tmp/rt-head && git rev-parse HEAD > /tmp/rt-head/.bench-source
# so that before/after numbers compare one version of the code while reviewtool/ is being edited.
ROOT = Path(os.environ.get("BENCH_APP_ROOT") or BENCH.parent).resolve()
RESULTS = BENCH / "results"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def code_version():
    """Which code was measured: a pinned copy's .bench-source, or git HEAD plus edited files."""
    import subprocess
    pinned = ROOT / ".bench-source"
    if pinned.exists():
        return {"root": str(ROOT), "commit": pinned.read_text().strip(), "edited": []}
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        edited = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                 "reviewtool", "templates", "config.py"],
                                capture_output=True, text=True, timeout=10).stdout.split("\n")
        return {"root": str(ROOT), "commit": head, "edited": [e[3:] for e in edited if e]}
    except OSError:
        return {"root": str(ROOT), "commit": "?", "edited": []}

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/reviewtool_bench"

# The demo accounts (reviewtool/demo.py) exist in every bench database, password below.
DEMO_PASSWORD = "Demo-2026-gk"
ROLE_USERS = {            # role -> the demo account the harness logs in as
    "drafter": "nigao",
    "division_head": "fenguan",
    "principal": "zhuyao",
    "office": "bangong",
    "admin": "admin",
}


def database_url(cli_value=None):
    url = cli_value or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    check_not_test_database(url)
    return url


def database_name(url):
    """The database part of a URL, for reports (never the password)."""
    if url.startswith("sqlite"):
        return url
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def check_not_test_database(url):
    """The test suite owns the database called ``test``: the harness never touches it."""
    if url.startswith("sqlite"):
        return
    name = urlsplit(url).path.lstrip("/")
    if name in ("test", ""):
        raise SystemExit(f"refusing to use database {name!r}: the test suite owns it; "
                         "use reviewtool_bench (or another database you created for the bench)")
    host = urlsplit(url).hostname or "localhost"
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
        raise SystemExit(f"refusing to use database host {host!r}: the bench runs on loopback only")


def bench_app(url, **overrides):
    """The app as production builds it (ProductionConfig), pointed at the bench database.

    A SECRET_KEY is generated for the run when none is set; the session cookie is not
    marked Secure because the harness talks plain HTTP on loopback; CSRF stays on unless
    the caller turns it off (the in-process measurement does, the load run does not).
    """
    prepare_production_env()
    from reviewtool import create_app
    config = {"CONFIG": "production", "SQLALCHEMY_DATABASE_URI": url,
              "SESSION_COOKIE_SECURE": False, "DEBUG": False, "TESTING": False}
    config.update(overrides)
    return create_app(config)


def prepare_production_env(key=None):
    """Put a 32+ character SECRET_KEY in the environment so that ProductionConfig starts.

    config.py reads SECRET_KEY into ``Config.SECRET_KEY`` when it is imported, and
    ``ProductionConfig.check`` then refuses a key equal to ``Config.SECRET_KEY``: a key
    that is in the environment *before* config.py is imported is always refused (see
    bench/README.md, "Found on the way").  Until that is fixed, config.py is imported here
    first, without the key, and the key is set afterwards.
    """
    import secrets
    key = key or os.environ.pop("SECRET_KEY", None) or secrets.token_urlsafe(48)
    os.environ.pop("SECRET_KEY", None)
    os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
    import config  # noqa: F401  (evaluated without SECRET_KEY)
    os.environ["SECRET_KEY"] = key
    return key
