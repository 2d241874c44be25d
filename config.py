"""Configuration objects.  Secrets and the database come from the environment."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _database_url(default):
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants "postgresql".
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


DEV_SECRET_KEY = "dev-only-not-secret"


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


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    WTF_CSRF_ENABLED = True             # tests prove CSRF; the client fetches real tokens


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
