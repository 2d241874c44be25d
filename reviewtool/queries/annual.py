"""The annual report (政府信息公开工作年度报告, 条例第四十九条、第五十条) counted from the data.

Tables in the layout of the national template (国办公开办函〔2021〕30号, seed 004) as far as the
tool's data can count them, and the tool's own statistics.  Every figure is a set of documents
(its count is the set's size), so each number links to exactly the documents it counts.

Which date decides the year: always the date of an event in the audit trail (Beijing time), never
a field of the document that can change later — the principal's sign-off for documents reviewed,
the registration of the publication (登记发布) for what was published and on which channel, the
office's outcome for re-reviews, the event that closes a clock for timeliness.  The attribute and
legal basis are those of the version the event names (versions are frozen).  So a year's figures
do not change when counted again, unless the underlying record does (an event written for that
year, a holiday entered that moves a working-day deadline).
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..calendar.workdays import add_working_days
from ..dates import local_today, to_local
from ..extensions import db
from ..labels import (REPORT_OUT_OF_SCOPE, REPORT_WAITING, Action, Channel, Clock, Disclosure,
                      ReportRow, State)
from ..models import Division, Document, DocumentVersion, Event
from .history import utc_bounds

YEARS = range(2000, 2101)
RETURNED_TO_DRAFTER = (Action.RETURN_TO_DRAFTER, Action.SEND_BACK, Action.CONFIDENTIALITY_FAIL)
REVIEW_DONE_FROM = (State.PRINCIPAL_REVIEW, State.REVIEW_PRINCIPAL)
_CHANNEL_OF = re.compile(r"^(?:解读材料 )?\d{4}-\d{2}-\d{2} 发布于([^；]+)")


# --- what a report is made of --------------------------------------------------------------------
@dataclass
class Cell:
    key: str                      # names the figure in the URL of its document list
    ids: set = field(default_factory=set)

    @property
    def count(self):
        return len(self.ids)


@dataclass
class Row:
    label: str
    cells: list                   # Cell, or a str shown instead (not counted; why)
    note: str = ""


@dataclass
class Table:
    key: str
    title: str
    header: list
    rows: list
    note: str = ""


@dataclass
class Report:
    year: int
    counted_on: date
    cutoff: date                  # the last day counted (31 Dec, or today in the current year)
    sections: list                # [(section title, [Table])]

    def cell(self, key):
        for _, tables in self.sections:
            for table in tables:
                for row in table.rows:
                    for c in row.cells:
                        if isinstance(c, Cell) and c.key == key:
                            return table, row, c
        return None


# --- reading the record ------------------------------------------------------------------------------
@dataclass
class Happened:
    """One document event, as the report reads it."""
    action: Action
    from_state: State
    to_state: State
    version_no: int
    day: date
    comment: str


def _history(until):
    """Every document's events up to ``until`` (a naive-UTC instant), in order."""
    rows = db.session.execute(
        select(Event.document_id, Event.action, Event.from_state, Event.to_state, Event.version_no,
               Event.at, Event.comment)
        .where(Event.document_id.isnot(None), Event.at < until).order_by(Event.document_id, Event.id))
    history = defaultdict(list)
    for doc_id, action, from_state, to_state, version_no, at, comment in rows:
        history[doc_id].append(Happened(action, from_state, to_state, version_no,
                                        to_local(at).date(), comment))
    return history


def _versions(doc_ids):
    frozen = {}
    ids = sorted(doc_ids)
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        for v in db.session.execute(select(
                DocumentVersion.document_id, DocumentVersion.number, DocumentVersion.disclosure,
                DocumentVersion.legal_basis, DocumentVersion.is_urgent,
                DocumentVersion.interpretation_html != "")
                .where(DocumentVersion.document_id.in_(chunk))):
            frozen[(v[0], v[1])] = v
    return frozen


def _documents(doc_ids):
    """The few fields that do not change once a document is submitted: division, decision flag
    and date (editable only before submission or after a return for change)."""
    found = {}
    ids = sorted(doc_ids)
    for start in range(0, len(ids), 1000):
        for row in db.session.execute(select(Document.id, Document.division_id, Document.is_decision,
                                             Document.decision_date)
                                      .where(Document.id.in_(ids[start:start + 1000]))):
            found[row[0]] = row
    return found


def publication_channel(comment):
    """The channel a 登记发布 event names (its comment begins “YYYY-MM-DD 发布于<channel>”)."""
    match = _CHANNEL_OF.match(comment or "")
    if not match:
        return None
    return next((c for c in Channel if c.label == match.group(1)), None)


# --- the clocks, rebuilt from the events --------------------------------------------------------------
@dataclass
class Run:
    """One run of a deadline clock: when it started, its due date, when it ended (None: open)."""
    clock: Clock
    doc_id: int
    start: date
    end: date = None

    @property
    def due(self):
        return add_working_days(self.start, self.clock.working_days).date


def clock_runs(doc_id, events, versions, doc):
    """The runs of each clock on one document, as the workflow started and stopped them."""
    runs = []
    office = publish = interpretation = post_hoc = None
    last_submit = None
    for e in events:
        if e.action == Action.CREATE:
            office = Run(Clock.SEND_TO_OFFICE, doc_id, e.day)
            publish = Run(Clock.PUBLISH, doc_id, e.day)
        elif e.action in RETURNED_TO_DRAFTER and e.to_state == State.RETURNED:
            office = Run(Clock.SEND_TO_OFFICE, doc_id, e.day)
        elif e.action == Action.SUBMIT:
            if office is not None:
                office.end = e.day
                runs.append(office)
                office = None
            if e.version_no >= 2 and publish is not None:
                publish.start = e.day               # changed and resubmitted: starts again
            last_submit = e.day
        elif e.action == Action.PRINCIPAL_SIGN_OFF and e.to_state == State.REVIEW_PENDING:
            post_hoc = Run(Clock.POST_HOC_REVIEW, doc_id, last_submit or e.day)
        elif e.action == Action.PRINCIPAL_SIGN_OFF and e.from_state == State.REVIEW_PRINCIPAL:
            if post_hoc is not None:
                post_hoc.end = e.day
                runs.append(post_hoc)
                post_hoc = None
        elif e.action == Action.PRINCIPAL_SIGN_OFF and e.from_state == State.CONVERT_SIGN:
            publish = Run(Clock.PUBLISH, doc_id, e.day)  # converted: published within 20 days
        elif e.action == Action.MARK_PUBLISHED:
            version = versions.get((doc_id, e.version_no))
            if publish is not None and version is not None and version[2] == Disclosure.PROACTIVE:
                publish.end = e.day
                runs.append(publish)
            publish = None
            if version is not None and version[5]:
                interpretation = Run(Clock.INTERPRETATION, doc_id, e.day)
        elif e.action == Action.MARK_INTERPRETATION_PUBLISHED and interpretation is not None:
            interpretation.end = e.day
            runs.append(interpretation)
            interpretation = None
    state = events[-1].to_state if events else None
    latest = versions.get((doc_id, events[-1].version_no)) if events else None
    if office is not None and state in (State.DRAFT, State.RETURNED):
        runs.append(office)
    if (publish is not None and latest is not None and latest[2] == Disclosure.PROACTIVE
            and state not in (State.ARCHIVED, State.PUBLISHED, State.CONVERT_SIGN)):
        runs.append(publish)
    for run in (interpretation, post_hoc):
        if run is not None:
            runs.append(run)
    if doc is not None and doc.is_decision and doc.decision_date and events:
        published = next((e.day for e in events if e.action == Action.MARK_PUBLISHED), None)
        runs.append(Run(Clock.DECISION, doc_id, doc.decision_date, published))
    return runs


# --- counting ------------------------------------------------------------------------------------
def annual_report(year, today=None):
    today = today or local_today()
    first, last = date(year, 1, 1), date(year, 12, 31)
    cutoff = min(last, today)
    _, until = utc_bounds(first, cutoff)
    history = _history(until)
    versions = _versions(history)
    docs = _documents(history)

    def in_year(day):
        return first <= day <= cutoff

    reviewed = {}             # doc id → the version its review was completed with (the last in year)
    published = defaultdict(set)     # channel → doc ids
    published_any, decisions, interpretations = set(), set(), set()
    outcomes = defaultdict(set)
    conversions = defaultdict(set)
    runs = []
    for doc_id, events in history.items():
        doc = docs.get(doc_id)
        for e in events:
            if not in_year(e.day):
                continue
            if (e.action == Action.PRINCIPAL_SIGN_OFF and e.from_state in REVIEW_DONE_FROM
                    and e.to_state != State.REVIEW_PENDING):
                reviewed[doc_id] = versions.get((doc_id, e.version_no))
            elif e.action == Action.MARK_PUBLISHED:
                published_any.add(doc_id)
                published[publication_channel(e.comment)].add(doc_id)
                if doc is not None and doc.is_decision:
                    decisions.add(doc_id)
            elif e.action == Action.MARK_INTERPRETATION_PUBLISHED:
                interpretations.add(doc_id)
            elif e.action in (Action.RE_REVIEW_KEEP, Action.CONVERT_TO_PROACTIVE,
                              Action.CONVERT_TO_REDACTED):
                outcomes[e.action].add(doc_id)
            elif e.action == Action.PRINCIPAL_SIGN_OFF and e.from_state == State.CONVERT_SIGN:
                version = versions.get((doc_id, e.version_no))
                conversions[version[2] if version else None].add(doc_id)
            elif e.action in (Action.CONVERSION_REFUSE, Action.CONVERSION_WITHDRAW):
                conversions[e.action].add(doc_id)
        runs += clock_runs(doc_id, events, versions, doc)

    by_attribute = defaultdict(set)
    by_row = defaultdict(set)
    for doc_id, version in reviewed.items():
        disclosure, basis = (version[2], version[3]) if version else (None, None)
        by_attribute[disclosure].add(doc_id)
        if disclosure == Disclosure.WITHHELD and basis is not None and basis.report_row:
            by_row[basis.report_row].add(doc_id)

    late = _late(runs, in_year, cutoff)
    sections = [
        ("二、主动公开政府信息情况", _section_two(decisions)),
        ("本工具统计：公开属性审查与发布", [
            _reviewed_table(by_attribute, reviewed),
            _withheld_table(by_row, by_attribute),
            _channel_table(published, published_any),
            _division_table(docs, reviewed, by_attribute, published_any, late),
            _timeliness_table(late),
            _re_review_table(outcomes, conversions),
            _interpretation_table(interpretations),
        ]),
    ]
    return Report(year, today, cutoff, sections)


def _c(key, ids=()):
    return Cell(key, set(ids))


def _section_two(decisions):
    return [
        Table("art20_1", "第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], [
            Row("规章", [REPORT_OUT_OF_SCOPE] * 3, "本局不制定规章"),
            Row("行政规范性文件", [REPORT_WAITING] * 3),
        ]),
        Table("art20_5_6", "第二十条第（五）项、第（六）项", ["信息内容", "本年处理决定数量"], [
            Row("行政许可", [REPORT_WAITING]),
            Row("行政处罚", [REPORT_WAITING]),
            Row("行政强制", [REPORT_WAITING]),
            Row("行政许可、行政处罚决定（合计）", [_c("decisions", decisions)],
                "本年登记发布的、标注为“行政许可、行政处罚决定”的公文；按许可、处罚、强制分列待信息类别上线"),
        ]),
        Table("art20_8_9", "第二十条第（八）项、第（九）项", ["信息内容", "数量"], [
            Row("行政事业性收费", [REPORT_OUT_OF_SCOPE]),
            Row("政府集中采购", [REPORT_OUT_OF_SCOPE]),
        ]),
    ]


def _reviewed_table(by_attribute, reviewed):
    rows = [Row(d.label, [_c(f"reviewed:{d.value}", by_attribute[d])]) for d in Disclosure]
    rows.append(Row("合计", [_c("reviewed:all", reviewed)]))
    return Table("reviewed", "公开属性审查（按公开属性）", ["公开属性", "本年完成审查件数"], rows,
                 "以主要负责人签发完成公开属性审查之日计；公开属性按签发时的版本。")


def _withheld_table(by_row, by_attribute):
    rows = [Row(r.label, [_c(f"withheld:{r.value}", by_row[r])]) for r in ReportRow]
    rows.append(Row("不予公开合计", [_c("withheld:all", by_attribute[Disclosure.WITHHELD])]))
    rows.append(Row("部分公开（删减后公开，区分处理）", [_c("redacted", by_attribute[Disclosure.REDACTED])]))
    rows.append(Row("依申请公开", [_c("on_request", by_attribute[Disclosure.ON_REQUEST])]))
    return Table("withheld", "不予公开（按法律依据，对应年度报告的八项）", ["理由", "件数"], rows,
                 "本年完成审查、公开属性为不予公开的公文，按其法律依据计入年度报告表三“不予公开”的八项。")


def _channel_table(published, published_any):
    rows = [Row(c.label, [_c(f"channel:{c.value}", published[c])]) for c in Channel]
    rows.append(Row("合计（件）", [_c("published:all", published_any)]))
    return Table("channels", "主动公开（按公开渠道）", ["公开渠道", "本年发布件数"], rows,
                 "以登记发布之日计；同一件公文在多个渠道发布的，各渠道分别计数"
                 "（各渠道分别登记待第10号议题上线，现按登记发布时的渠道计）。")


def _late(runs, in_year, cutoff):
    """{clock: (closed on time, closed late, open and overdue at the cutoff)} as doc-id sets."""
    out = {c: (set(), set(), set()) for c in Clock}
    for run in runs:
        on_time, late, open_late = out[run.clock]
        if run.end is not None and in_year(run.end):
            (late if run.end > run.due else on_time).add(run.doc_id)
        elif run.start <= cutoff and (run.end is None or run.end > cutoff) and run.due < cutoff:
            open_late.add(run.doc_id)
    return out


def _division_table(docs, reviewed, by_attribute, published_any, late):
    overdue = {doc_id for c in Clock for doc_id in late[c][1] | late[c][2]}
    proactive = by_attribute[Disclosure.PROACTIVE]
    rows = []
    for division in db.session.scalars(select(Division).order_by(Division.name)):
        mine = {doc_id for doc_id, d in docs.items() if d.division_id == division.id}
        key = f"division:{division.id}"
        rows.append(Row(division.name, [
            _c(f"{key}:reviewed", mine & set(reviewed)), _c(f"{key}:proactive", mine & proactive),
            _c(f"{key}:not_proactive", (mine & set(reviewed)) - proactive),
            _c(f"{key}:published", mine & published_any), _c(f"{key}:overdue", mine & overdue)]))
    return Table("divisions", "各科室情况", ["科室", "完成审查", "其中主动公开", "其中未主动公开",
                                       "本年发布", "超期（办结超期或年末在办超期）"], rows)


def _timeliness_table(late):
    rows = []
    for clock in Clock:
        on_time, closed_late, open_late = late[clock]
        done = on_time | closed_late
        share = f"{len(on_time) * 100 / len(done):.1f}%" if done else "—"
        rows.append(Row(f"{clock.label}（{clock.working_days}个工作日）", [
            _c(f"clock:{clock.value}:on_time", on_time), _c(f"clock:{clock.value}:late", closed_late),
            share, _c(f"clock:{clock.value}:open_late", open_late)]))
    return Table("timeliness", "办理时效", ["期限", "按期办结", "超期办结", "按期率", "期末在办已超期"], rows,
                 "按期限届满的办结事件之日计入年度；“期末”为当年12月31日（当年为统计之日）。"
                 "主动公开发布期限的按期率即“20个工作日内公开”的比例。")


def _re_review_table(outcomes, conversions):
    return Table("re_review", "定期评估审查与转为公开", ["事项", "件数"], [
        Row("维持原公开属性", [_c("re_review:keep", outcomes[Action.RE_REVIEW_KEEP])]),
        Row("拟转为主动公开", [_c("re_review:to_proactive", outcomes[Action.CONVERT_TO_PROACTIVE])]),
        Row("拟转为删减后公开", [_c("re_review:to_redacted", outcomes[Action.CONVERT_TO_REDACTED])]),
        Row("经签发转为主动公开", [_c("converted:proactive", conversions[Disclosure.PROACTIVE])]),
        Row("经签发转为删减后公开", [_c("converted:redacted", conversions[Disclosure.REDACTED])]),
        Row("主要负责人不同意转换", [_c("converted:refused", conversions[Action.CONVERSION_REFUSE])]),
        Row("办公室撤回转换", [_c("converted:withdrawn", conversions[Action.CONVERSION_WITHDRAW])]),
    ], "以办公室作出评估结论、主要负责人签发或不同意之日计。")


def _interpretation_table(interpretations):
    return Table("interpretation", "政策解读", ["事项", "件数"], [
        Row("本年发布解读材料", [_c("interpretation", interpretations)]),
    ], "以登记解读材料发布之日计。")


def cell_documents(cell, limit=1000):
    """The documents a figure counts, in id order."""
    ids = sorted(cell.ids)[:limit]
    if not ids:
        return []
    return db.session.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id)).all()


def default_year(today=None):
    """The year whose report is due (by 31 January, 条例第四十九条): the previous year in January."""
    today = today or local_today()
    return today.year - 1 if today.month == 1 else today.year
