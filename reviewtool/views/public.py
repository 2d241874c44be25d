"""The public catalogue (政府信息公开目录), no login: published proactive documents only."""
from flask import Blueprint, abort, current_app, jsonify, request

from ..gongwen.files import published_with
from ..publishing.catalogue import categories, entry_dict
from ..queries import reports
from ..sanitize import clean_text, safe_html
from .common import render

bp = Blueprint("public", __name__, url_prefix="/gk")


@bp.get("/")
def index():
    q = clean_text(request.args.get("q", ""))[:100]
    year = request.args.get("year", type=int)
    year = year if year and 1900 <= year <= 9999 else None
    category = clean_text(request.args.get("category", ""))[:20]
    return render("public/index.html", docs=reports.public_listing(q, year, category), q=q,
                  year=year, category=category, years=reports.public_years(),
                  categories=categories())


@bp.get("/<int:doc_id>")
def view(doc_id):
    doc = reports.public_document(doc_id)
    if doc is None:
        abort(404)
    return render("public/view.html", doc=doc, body=safe_html(doc.catalogue.published_body_html),
                  attachments=published_with(doc))


@bp.get("/feed.json")
def feed():
    docs = reports.public_feed()
    return jsonify({"publisher": current_app.config["BUREAU_NAME"], "count": len(docs),
                    "items": [entry_dict(d, with_body=True) for d in docs]})
