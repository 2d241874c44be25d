"""What every template may use: the vocabularies, the action → route map, date filters."""
from datetime import datetime

from .dates import to_local
from .labels import (CATALOGUE_FIELDS, DOCUMENT_FIELDS, Action, Channel, Clock, DayKind, Disclosure,
                     PiiDecision, Role, State)
from .queries.worklists import QUEUE_LIMIT
from .sanitize import safe_html
from .views.common import action_url


def register(app):
    @app.context_processor
    def inject():
        return dict(QUEUE_LIMIT=QUEUE_LIMIT, Action=Action, Channel=Channel, Clock=Clock,
                    DayKind=DayKind, Disclosure=Disclosure, PiiDecision=PiiDecision, Role=Role,
                    State=State, FIELDS=CATALOGUE_FIELDS, action_url=action_url,
                    bureau_name=app.config["BUREAU_NAME"],
                    # 公文 in and out: the fields' names (a version's paper in the history), what an
                    # upload may be (the browser checks the size first)
                    DOCUMENT_FIELDS=DOCUMENT_FIELDS,
                    DOCX_IMPORT_MAX_BYTES=app.config["DOCX_IMPORT_MAX_BYTES"],
                    ATTACHMENT_MAX_BYTES=app.config["ATTACHMENT_MAX_BYTES"],
                    ATTACHMENT_ACCEPT=",".join("." + e for e in app.config["ATTACHMENT_EXTENSIONS"]))

    app.add_template_filter(safe_html, "user_html")

    @app.template_filter("cn_date")
    def cn_date(value):
        if isinstance(value, datetime):
            value = to_local(value)
        return f"{value.year}年{value.month}月{value.day}日" if value else ""

    @app.template_filter("filesize")
    def filesize(n):
        n = n or 0
        return f"{n / 1048576:.1f} MB".replace(".0 MB", " MB") if n >= 1048576 else f"{max(1, round(n / 1024))} KB"

    @app.template_filter("dt")
    def dt(value):
        return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""
