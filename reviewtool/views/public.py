"""The public catalogue (政府信息公开目录), no login: published proactive documents only."""
from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import joinedload

from ..catalogue import categories, entry_dict
from ..extensions import db
from ..labels import Disclosure, State
from ..models import CatalogueEntry, Document
from .common import render

bp = Blueprint("public", __name__, url_prefix="/gk")


def published():
    """The one filter every public page goes through: published, proactive, catalogued."""
    return (select(Document).join(CatalogueEntry, CatalogueEntry.document_id == Document.id)
            .options(joinedload(Document.catalogue))
            .where(Document.state == State.PUBLISHED.value,
                   Document.disclosure == Disclosure.PROACTIVE.value,
                   CatalogueEntry.published_body_html.is_not(None)))


@bp.get("/")
def index():
    q = (request.args.get("q") or "").strip()[:100]
    year = request.args.get("year", type=int)
    category = (request.args.get("category") or "").strip()[:20]
    stmt = published()
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Document.title.ilike(like, escape="\\"),
                              Document.doc_number.ilike(like, escape="\\")))
    if year:
        stmt = stmt.where(extract("year", Document.published_on) == year)
    if category:
        stmt = stmt.where(CatalogueEntry.category_code == category)
    stmt = stmt.order_by(Document.published_on.desc(), Document.id.desc()).limit(200)
    docs = db.session.scalars(stmt).unique().all()
    years = sorted({d.published_on.year for d in db.session.scalars(published()).unique()
                    if d.published_on}, reverse=True)
    return render("public/index.html", docs=docs, q=q, year=year, category=category,
                  years=years, categories=categories())


@bp.get("/<int:doc_id>")
def view(doc_id):
    doc = db.session.scalars(published().where(Document.id == doc_id)).unique().first()
    if doc is None:
        abort(404)
    return render("public/view.html", doc=doc)


@bp.get("/feed.json")
def feed():
    docs = db.session.scalars(published().order_by(Document.published_on.desc(),
                                                   Document.id.desc())).unique().all()
    return jsonify({"publisher": current_app.config["BUREAU_NAME"], "count": len(docs),
                    "items": [entry_dict(d, with_body=True) for d in docs]})
