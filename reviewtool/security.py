"""What every request and response goes through, for security (README “安全 / Security”):

- the client address behind trusted reverse proxies (``TRUSTED_PROXIES``, werkzeug's ProxyFix);
- integers in URLs bounded to what the database stores (a larger id is simply not found);
- requests refused before any view: a URL longer than ``MAX_URL_LENGTH`` (414), a NUL byte in
  the path, the query or a form field (400) — no column can store it;
- the answers to those, to a body over ``MAX_CONTENT_LENGTH`` (413) and to a throttled login
  (429): Chinese pages; for an htmx request shown in the page's error region, so the form the
  user was filling in stays as it was;
- the headers of every response: a Content-Security-Policy without inline script or style,
  no framing, no MIME sniffing, same-origin referrers, HSTS over HTTPS, and ``no-store`` on
  everything but static files (every page either shows the signed-in user or carries a
  session-bound CSRF token; the exports are authenticated).

One ``after_request`` rather than Flask-Talisman: the policy is a handful of constant headers
plus one rule that depends on the response (no-store), which Talisman does not do; its main
extra (redirecting to HTTPS) is the reverse proxy's job here.
"""
from flask import current_app, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, RequestURITooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .views.auth import locked_out
from .views.common import render_error

MAX_DB_INTEGER = 2**31 - 1            # the id columns are 32-bit on PostgreSQL

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class BoundedInteger(IntegerConverter):
    """``<int:…>`` matches 0 … 2³¹−1 only: a larger number is a 404, never a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_DB_INTEGER if max is None else max, signed=signed)


class NulByte(BadRequest):
    description = "NUL"


def init_app(app):
    """Call before the blueprints are registered (the URL converter must be in place)."""
    app.url_map.converters["int"] = BoundedInteger
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.before_request(refuse_malformed_requests)
    app.after_request(add_security_headers)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(RequestURITooLarge, uri_too_long)
    app.register_error_handler(NulByte, nul_byte)
    app.register_error_handler(RateLimitExceeded, throttled)


def refuse_malformed_requests():
    if len(request.full_path) > current_app.config["MAX_URL_LENGTH"]:
        raise RequestURITooLarge()
    values = [request.path]
    values += [v for _, v in request.args.items(multi=True)]
    if request.method == "POST":
        values += [v for _, v in request.form.items(multi=True)]
    keys = list(request.args.keys()) + (list(request.form.keys()) if request.method == "POST" else [])
    if any("\x00" in v for v in values + keys):
        raise NulByte()


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def _megabytes(n):
    return f"{n / (1024 * 1024):g}"


def too_large(error):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_error(f"提交的内容超过了 {_megabytes(limit)} MB 的上限，未能保存。请精简内容（如删去粘贴进来的图片"
                        "或大段格式）后再提交；整页提交的表单，可用浏览器的“后退”返回，已填写的内容通常仍在。",
                        413, page_level=True)


def uri_too_long(error):
    return render_error(f"网址过长（超过 {current_app.config['MAX_URL_LENGTH']} 个字符），无法处理。"
                        "请从系统内的链接或按钮进入，或缩短搜索条件。", 414, page_level=True)


def nul_byte(error):
    return render_error("提交的内容中含有不允许的空字符（NUL），未能处理。请删去后重试"
                        "（从其他系统复制的文字有时带有这种看不见的字符）。", 400, page_level=True)


def throttled(error):
    return locked_out() or render_error("操作过于频繁，请稍后再试。", 429, page_level=True)
