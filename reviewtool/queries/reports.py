"""Aggregates the office reads: the dashboard's counts, the filtered document search, the
catalogue export; and the public catalogue's listing (what is published, by year and category)."""
from dataclasses import dataclass

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import joinedload

from ..deadlines import TRACKED, overdue_filter, running_filter
from ..extensions import db
from ..labels import Clock, Disclosure, Role, State
from ..models import CatalogueEntry, Division, Document
from .worklists import documents_in, worklist


# --- the office's dashboard and search -----------------------------------------------------
@dataclass
class Dashboard:
    by_state: dict
    by_attribute: dict
    overdue: dict          # {clock: {division_id: n}}
    running: dict          # {clock: n}
    divisions: list


def dashboard():
    """Counts per state, per attribute (submitted documents), and per clock: running, and overdue
    per division."""
    by_state = dict(db.session.execute(select(Document.state, func.count())
                                       .group_by(Document.state)).all())
    by_attribute = dict(db.session.execute(
        select(Document.disclosure, func.count()).where(Document.state != State.DRAFT)
        .group_by(Document.disclosure)).all())
    overdue, running = {}, {}
    for clock in TRACKED:
        overdue[clock] = dict(db.session.execute(
            select(Document.division_id, func.count()).where(overdue_filter(clock))
            .group_by(Document.division_id)).all())
        running[clock] = db.session.scalar(select(func.count()).where(running_filter(clock)))
    return Dashboard(by_state, by_attribute, overdue, running, divisions())


def divisions():
    return db.session.scalars(select(Division).order_by(Division.name)).all()


@dataclass(frozen=True)
class DocumentFilter:
    state: State = None
    disclosure: str = ""          # a Disclosure key, "none" (untagged) or ""
    division_id: int = None
    clock: Clock = None
    overdue: bool = False


def search_documents(f, page, per_page):
    """Every non-draft document matching the filter: (total, the page's documents)."""
    stmt = select(Document).where(Document.state != State.DRAFT)
    if f.state:
        stmt = stmt.where(Document.state == f.state)
    if f.disclosure == "none":
        stmt = stmt.where(Document.disclosure.is_(None))
    elif Disclosure.get(f.disclosure):
        stmt = stmt.where(Document.disclosure == Disclosure(f.disclosure))
    if f.division_id:
        stmt = stmt.where(Document.division_id == f.division_id)
    if f.clock:
        stmt = stmt.where(overdue_filter(f.clock) if f.overdue else running_filter(f.clock))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    docs = db.session.scalars(
        stmt.options(joinedload(Document.division), joinedload(Document.drafter))
        .order_by(Document.updated_at.desc(), Document.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).unique().all()
    return total, docs


def interpretations_due(limit):
    """Published documents whose interpretation material is still owed (三同步), oldest first."""
    return db.session.scalars(select(Document).where(running_filter(Clock.INTERPRETATION))
                              .order_by(Document.published_on, Document.id).limit(limit)).all()


def catalogue_export(user):
    """The queue and what was published, for the office's catalogue export."""
    options = [joinedload(Document.catalogue)]
    return (documents_in(worklist(Role.OFFICE, "queue"), user, options=options)
            + documents_in(worklist(Role.OFFICE, "published"), user, options=options))


# --- the public catalogue ------------------------------------------------------------------------
def published():
    """The one filter every public page goes through: published, proactive, catalogued."""
    return (select(Document).join(CatalogueEntry, CatalogueEntry.document_id == Document.id)
            .options(joinedload(Document.catalogue))
            .where(Document.state == State.PUBLISHED,
                   Document.disclosure == Disclosure.PROACTIVE,
                   CatalogueEntry.published_body_html.is_not(None)))


def public_listing(q="", year=None, category="", limit=200):
    stmt = published()
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Document.title.ilike(like, escape="\\"),
                              Document.doc_number.ilike(like, escape="\\")))
    if year:
        stmt = stmt.where(extract("year", Document.published_on) == year)
    if category:
        stmt = stmt.where(CatalogueEntry.category_code == category)
    stmt = stmt.order_by(Document.published_on.desc(), Document.id.desc()).limit(limit)
    return db.session.scalars(stmt).unique().all()


def public_years():
    return sorted({d.published_on.year for d in db.session.scalars(published()).unique()
                   if d.published_on}, reverse=True)


def public_document(doc_id):
    return db.session.scalars(published().where(Document.id == doc_id)).unique().first()


def public_feed():
    return db.session.scalars(published().order_by(Document.published_on.desc(),
                                                   Document.id.desc())).unique().all()
