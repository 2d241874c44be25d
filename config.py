"""Configuration objects.  Secrets and the database come from the environment."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _database_url(default):
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants "postgresql".
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


DEV_SECRET_KEY = "dev-only-not-secret"


def _int_env(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{BASE_DIR / 'instance' / 'reviewtool.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None          # a token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    BUREAU_NAME = os.environ.get("BUREAU_NAME", "某市交通运输局")
    # The public catalogue (政府信息公开目录): 索引号 = pattern over org code, 主题分类 code, year, serial.
    # The admin's setting (系统管理 → 目录设置) overrides the org code; categories: [(code, name)].
    CATALOGUE_ORG_CODE = os.environ.get("CATALOGUE_ORG_CODE", "JT00001")
    CATALOGUE_INDEX_PATTERN = os.environ.get("CATALOGUE_INDEX_PATTERN", "{org}-{category}-{year}-{serial:05d}")
    CATALOGUE_CATEGORIES = None          # None: labels.DEFAULT_CATEGORIES
    CATALOGUE_DEFAULT_CATEGORY = "0204"
    PER_PAGE = 50
    TESTING = False
    # 定期评估审查: months from sign-off (or the last re-review) to the next; the admin's setting
    # (系统管理 → 定期评估审查设置) overrides it.
    RE_REVIEW_MONTHS = 12
    # The daily digest by e-mail (flask sweep): off unless MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"        # STARTTLS on MAIL_PORT
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"        # implicit TLS (usually 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "reviewtool@localhost")
    MAIL_SENDER_NAME = "公文公开属性审查"
    MAIL_TIMEOUT = 30
    # The address people open the tool at, for the links in e-mails (none when empty).
    APP_URL = os.environ.get("APP_URL", "")
    # 公文 in and out (GB/T 9704): the Word import, attachments (附件), the files' folder.
    # Every upload limit stays below MAX_CONTENT_LENGTH (security, below; checked at start), so
    # that a file over a limit is refused in place with the limit named.
    DOCX_IMPORT_MAX_BYTES = _int_env("DOCX_IMPORT_MAX_BYTES", 4 * 1024 * 1024)   # the uploaded .docx
    DOCX_MAX_UNPACKED_BYTES = 64 * 1024 * 1024       # all its parts unpacked (zip bomb guard)
    DOCX_MAX_RATIO = 200                             # unpacked : packed of one part over 1 MB
    ATTACHMENT_MAX_BYTES = _int_env("ATTACHMENT_MAX_BYTES", 4 * 1024 * 1024)
    ATTACHMENT_EXTENSIONS = ("pdf", "ofd", "docx", "xlsx", "jpg", "jpeg", "png", "txt")
    ATTACHMENTS_PER_DOCUMENT = 20
    ATTACHMENT_FOLDER = os.environ.get("ATTACHMENT_FOLDER")   # None: <instance folder>/attachments

    # --- security (issue 8; README “安全 / Security”) ---------------------------------------
    # Sessions: ended by logout, password change, deactivation and the admin's 全部下线 (a per-user
    # epoch in the signed session, checked on every request), and by these two clocks.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_int_env("SESSION_IDLE_MINUTES", 8 * 60))
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=_int_env("SESSION_LIFETIME_HOURS", 7 * 24))
    # The largest request body (forms and uploads together), answered with a Chinese 413.  A
    # file upload must fit in it with its form: read current_app.config["MAX_CONTENT_LENGTH"].
    MAX_CONTENT_LENGTH = _int_env("MAX_CONTENT_LENGTH", 5 * 1024 * 1024)
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH      # one text field may be as large as the body
    # The longest URL (path and query string) the app answers; longer: a Chinese 414.
    MAX_URL_LENGTH = _int_env("MAX_URL_LENGTH", 2048)
    # Reverse proxies in front of the app that set X-Forwarded-For / -Proto (0: none, the
    # client talks to gunicorn directly).  Behind the bureau's HTTPS proxy: 1.
    TRUSTED_PROXIES = _int_env("TRUSTED_PROXIES", 0)
    # Login throttling (Flask-Limiter): failed attempts per account and per client address.
    # memory:// is per process; with several gunicorn workers or nodes use Redis, e.g.
    # RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (shared by every process).
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Prefix of the throttle's keys in that storage (several tools may share one Redis).  Not
    # Flask-Limiter's RATELIMIT_KEY_PREFIX: the keys are built per request from this app's config.
    THROTTLE_KEY_PREFIX = os.environ.get("THROTTLE_KEY_PREFIX", "reviewtool")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_ACCOUNT = os.environ.get("LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_ADDRESS = os.environ.get("LOGIN_LIMIT_ADDRESS", "30 per 15 minutes")


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    WTF_CSRF_ENABLED = True             # tests prove CSRF; the client fetches real tokens
    MAIL_SERVER = None                  # a test that sends mail starts its own SMTP server


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"

    @classmethod
    def check(cls):
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < 32 or key == DEV_SECRET_KEY:
            raise RuntimeError("生产环境必须通过环境变量 SECRET_KEY 设置至少 32 个字符的随机密钥。"
                               " (SECRET_KEY must be set to a random value of 32+ characters.)")
        cls.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
