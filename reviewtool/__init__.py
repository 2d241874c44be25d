"""reviewtool: disclosure review of outgoing official documents (公文公开属性审查)."""
from pathlib import Path

import config as app_config
from flask import Flask, redirect, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import configure_mappers

from . import cli, security, template_helpers
from .errors import WorkflowError
from .extensions import csrf, db, htmx, limiter, login_manager, migrate
from .views import (admin, auth, documents, files, notifications, office, public, publishing,
                    redactions, review)
from .views.common import render_error, wrap_writes

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (auth, documents, review, office, publishing, admin, public, redactions, notifications,
              files)


def create_app(config=None):
    """Build the app.  ``config`` is a name (development/testing/production), a class or a dict."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    overrides = {}
    if isinstance(config, dict):
        overrides = config
        config = overrides.get("CONFIG", "testing")
    cls = app_config.CONFIGS[config or "development"] if not isinstance(config, type) else config
    if hasattr(cls, "check"):
        cls.check()
    app.config.from_object(cls)
    app.config.update(overrides)
    _check_upload_limits(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    security.init_app(app)              # before the blueprints: it bounds <int:…> in URLs

    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    cli.register(app)
    template_helpers.register(app)
    _register_error_handlers(app)

    @app.get("/")
    def index():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return redirect(url_for("documents.home"))

    wrap_writes(app)
    # Every relationship is declared on both sides; configure them now, not on the first query
    # that happens to touch one (a fresh worker's first request may be an anonymous public page).
    configure_mappers()
    return app


def _check_upload_limits(config):
    """An upload limit above MAX_CONTENT_LENGTH could never be reported in place."""
    ceiling = config.get("MAX_CONTENT_LENGTH")
    for key in ("DOCX_IMPORT_MAX_BYTES", "ATTACHMENT_MAX_BYTES"):
        if ceiling and config.get(key, 0) > ceiling:
            raise RuntimeError(f"{key} ({config[key]}) must not exceed MAX_CONTENT_LENGTH ({ceiling}).")


def _register_error_handlers(app):
    @app.errorhandler(WorkflowError)
    def workflow_error(error):
        return render_error(error.message, error.status)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error("表单已失效或缺少安全令牌（CSRF），请刷新页面后重试。", 400, page_level=True)

    messages = {
        400: "请求有误。", 403: "您无权访问该页面或执行该操作。", 404: "找不到该页面或公文。",
        405: "不支持该请求方式。", 409: "操作冲突，请刷新后重试。", 500: "系统内部错误，请稍后重试或联系管理员。",
    }
    for code, message in messages.items():
        app.register_error_handler(code, lambda e, m=message, c=code: render_error(m, c))
