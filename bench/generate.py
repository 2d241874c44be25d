#!/usr/bin/env python
"""Fill a bench database with N documents (default 100,000) and everything around them.

    .venv/bin/python bench/generate.py --database-url postgresql://postgres@127.0.0.1/reviewtool_bench -n 100000 --reset

What it makes
  * 20 divisions (科室), the five demo divisions first;
  * users for every role: 5 drafters per division (the demo's nigao / nigao2 among them),
    6 division heads leading 3-4 divisions each (fenguan / fenguan2 lead the demo's
    divisions), the principal zhuyao (and a former, inactive principal), three office
    users (bangong first), admin.  Every password is Demo-2026-gk, as in reviewtool/demo.py;
  * N documents spread over the last 10 years, in every state and with every disclosure
    attribute, their text made from the sentences of reviewtool/seeds/*.txt;
  * for each document the versions (one per submission) and events (one per state change)
    that the workflow would have recorded on its way to that state: create/import, submit,
    office pass or 退文, division sign-off or send-back, principal sign-off, publishing.

The share of each state is STATE_SHARE below: done documents (published, archived) are
most; drafts and returned documents are spread over the whole period (abandoned ones
stay); documents still in the review path are from the last 120 days, so every queue
grows with N the way it does when a bureau writes more documents per year.

Rows go in with SQLAlchemy Core bulk inserts (lists of dicts, --batch documents at a time)
with ids assigned here, so that 100k documents take a few minutes.  The schema is made with
db.create_all().  --reset drops the tables first.  The database named ``test`` is refused.
"""
import argparse
import html
import random
import re
import sys
import time
from datetime import datetime, timedelta

from common import ROOT, database_name, database_url  # noqa: F401  (sets sys.path)

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from common import DEMO_PASSWORD

SEEDS = ROOT / "reviewtool" / "seeds"

STATE_SHARE = {
    "published": 0.50,
    "archived": 0.32,
    "publish_queue": 0.015,
    "principal_review": 0.02,
    "division_review": 0.02,
    "office_check": 0.035,     # of which LEGACY_SHARE of N are untagged imports
    "returned": 0.045,
    "draft": 0.045,
}
LEGACY_SHARE = 0.005            # imported from the old system, untagged, waiting in office_check
URGENT_SHARE = 0.05
RETURN_CYCLE_SHARE = 0.2        # documents that were returned (and resubmitted) at least once
YEARS = 10

DIVISIONS = ["综合规划科", "建设管理科", "运输管理科", "安全监督科", "政策法规科",
             "财务审计科", "人事教育科", "科技信息科", "公路管理科", "港航管理科",
             "工程质量监督科", "路政管理科", "应急管理科", "物流发展科", "城市客运科",
             "交通战备科", "执法监督科", "审批服务科", "行政审批科", "机关党委办公室"]
DIVISION_PREFIX = ["交规", "交建", "交运", "交安", "交法", "交财", "交人", "交科", "交公", "交港",
                   "交质", "交路", "交应", "交物", "交客", "交战", "交执", "交服", "交审", "交党"]
# division head username, name, indexes of the divisions led (the demo's two come first)
HEADS = [("fenguan", "王强", [0, 1, 4, 5]), ("fenguan2", "赵磊", [2, 3, 6, 7]),
         ("fenguan3", "孙立新", [8, 9, 10]), ("fenguan4", "周海涛", [11, 12, 13]),
         ("fenguan5", "吴建平", [14, 15, 16]), ("fenguan6", "郑晓东", [17, 18, 19])]
OFFICE = [("bangong", "刘芳"), ("bangong2", "黄丽"), ("bangong3", "何静")]
SURNAMES = "张李王刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏建华红梅飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣悦琳晨辰泽航子轩梓涵雨欣海燕志强建国建军晓东晓明丹丹婷婷"

GENRES = {
    "proactive": ["通知", "实施方案", "工作要点", "实施意见", "公告", "通告", "指导意见", "管理办法"],
    "on_request": ["复函", "批复", "答复意见", "函"],
    "redacted": ["通报", "情况通报", "处理决定", "检查情况的通报"],
    "withheld": ["请示", "报告", "函", "会议纪要", "情况报告"],
    None: ["通知", "请示", "函", "报告", "方案"],
}
SUBJECTS = [
    "做好春运期间道路客运安全工作", "开展交通运输行业政务公开培训", "进一步规范工程建设项目信息公开",
    "印发政务公开工作要点", "加强农村公路养护管理", "开展道路运输企业安全生产大检查",
    "推进公共资源配置领域政府信息公开", "推进重大建设项目批准和实施领域政府信息公开",
    "做好政府信息公开年度报告编制发布工作", "深入推进地方预决算公开工作", "申请安排普通国省道养护专项资金",
    "调整城市公交线路", "开展超限超载车辆专项治理", "规范网络预约出租汽车经营服务管理",
    "做好汛期交通运输安全生产工作", "开展“我为群众办实事”实践活动", "推进交通运输领域信用体系建设",
    "加强港口危险货物安全管理", "开展水上交通安全专项整治", "做好高速公路收费站防疫工作",
    "组织开展交通运输行业职业技能竞赛", "落实交通运输领域减税降费政策", "规范交通运输行政执法程序",
    "推进“四好农村路”建设", "开展客运站安全隐患排查", "加强桥梁隧道安全运行监测",
    "做好重大节假日道路运输保障", "编制交通运输发展规划", "推进交通运输政务服务“一网通办”",
    "开展道路运输从业人员信息核查", "某客运公司线路经营调整申请", "某物流企业运输许可变更申请",
    "市政协提案办理情况", "人大代表建议办理情况", "交通运输系统干部培训计划",
    "机关内部财务管理制度修订", "开展公路建设项目审计", "优化营商环境工作举措",
    "开展交通运输行业扫黑除恶专项斗争", "做好冬季道路交通安全工作", "公路建设项目招标投标监督",
    "做好交通运输行业统计工作", "城市轨道交通运营安全评估", "治理车辆超限超载联合执法",
]
REASONS = {
    "art14_secret": ["本文涉及交通战备物资储备布局及数量，已依法确定为国家秘密，不予公开。",
                     "文中附有战备公路节点位置和保障方案，经定密属于国家秘密事项。"],
    "art14_prohibited": ["本文所涉事项属于《安全生产法》规定的调查处理过程信息，法律规定在调查结束前不得公开。"],
    "art14_security": ["本文列明重要桥梁隧道和港口设施的监测薄弱点，公开后可能危及公共安全。",
                       "文中涉及应急运输保障的具体部署和通信方式，公开后可能影响社会稳定和公共安全。"],
    "art15_third_party": ["附件列有运输企业名称、负责人姓名及联系电话等个人信息和经营数据，公开会损害第三方合法权益。",
                          "文中含有企业投标报价和财务数据等商业秘密，权利人不同意公开。"],
    "art16_internal": ["本文为机关内部人事调整和岗位安排，属于内部人事管理信息，不对外产生效力。",
                       "本文为机关后勤管理和内部工作流程的规定，仅适用于机关内部管理。"],
    "art16_process": ["本文为向市政府报送的请示，属于内部请示报告类过程性信息，所涉项目尚在论证，公开可能引起误解。",
                      "本文为专题会议讨论记录，相关意见尚未形成最终决定，属于过程性信息。"],
    "art16_enforcement": ["本文为具体行政处罚案件的调查材料，属于行政执法案卷信息，当事人可依法查阅。"],
    "art37_separable": ["正文可以公开；附件中涉及当事人身份信息和处罚裁量的内容删除后公开。",
                        "通报正文可以公开，所列个人姓名、车牌号码等信息作去标识化处理后公开。"],
    "not_proactive_scope": ["本文为针对个别企业的答复函，不涉及公众利益调整，不属于主动公开范围，可依申请公开。",
                            "本文为对单个申请事项的批复，仅对申请人产生效力，不属于主动公开范围，可依申请公开。"],
}
WITHHELD_BASES = ["art14_secret", "art14_prohibited", "art14_security", "art15_third_party",
                  "art16_internal", "art16_process", "art16_enforcement"]
BAD_REASONS = ["不宜公开", "内部文件", "按规定", "涉密", ""]
CHANNELS = ["portal", "new_media", "bulletin", "service_window", "archives"]
OFFICE_RETURNS = ["未标注公开属性，请补充后再报。", "不予公开理由过于笼统，请结合公文内容具体说明法律依据。",
                  "请补充公开方式。", "文号格式有误，请按规范修改。", "附件内容与正文不一致，请核对后重新提交。"]
LEAD_RETURNS = ["请补充各渠道公开数量的统计口径说明后再报。", "请与财务审计科会签后再报。",
                "部分表述需进一步斟酌，请修改后再报。", "请补充相关依据文件。"]
PRINCIPAL_RETURNS = ["请再征求政策法规科意见。", "此事需提交局务会研究，请先撤回。"]
SIGN_OFF = {"office_pass": ["", "", "公开属性及理由已核。", "已核。"],
            "division_sign_off": ["同意。", "同意，拟主动公开。", "同意，请主要负责人签发。", ""],
            "principal_sign_off": ["同意签发。", "同意。", "签发。"]}


# --- text made from the seed documents -----------------------------------------------------------
def load_sentences():
    sentences, headings = [], []
    for path in sorted(SEEDS.glob("0*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("- "):
                continue
            if len(line) <= 20 and re.match(r"^[（(]?[一二三四五六七八九十]+[、）)]", line):
                headings.append(line)
                continue
            for s in re.split(r"(?<=[。；！？])", line):
                s = s.strip()
                if len(s) >= 12:
                    sentences.append(s)
    return sentences, headings


class Writer:
    def __init__(self, rng):
        self.rng = rng
        self.sentences, self.headings = load_sentences()

    def title(self, disclosure, year):
        subject = self.rng.choice(SUBJECTS)
        genre = self.rng.choice(GENRES[disclosure])
        if self.rng.random() < 0.3:
            subject = f"{year}年{subject}"
        if self.rng.random() < 0.15:
            return f"{subject}{genre}"[:200]
        return f"关于{subject}的{genre}"[:200]

    def body(self):
        rng = self.rng
        parts = []
        for _ in range(rng.randint(2, 5)):
            if rng.random() < 0.4:
                parts.append(f"<h3>{html.escape(rng.choice(self.headings), quote=False)}</h3>")
            text_ = "".join(rng.choice(self.sentences) for _ in range(rng.randint(1, 4)))
            parts.append(f"<p>{html.escape(text_, quote=False)}</p>")
        return "".join(parts)


# --- people -----------------------------------------------------------------------------------
def make_people(rng, password_hash, now):
    divisions = [{"id": i + 1, "name": name} for i, name in enumerate(DIVISIONS)]
    users, leaders = [], []
    used = set()

    def person():
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
            if name not in used:
                used.add(name)
                return name

    def add(username, name, role, division_id=None, active=True):
        used.add(name)
        users.append({"id": len(users) + 1, "username": username, "name": name, "role": role,
                      "division_id": division_id, "password_hash": password_hash,
                      "active": active, "created_at": now - timedelta(days=365 * YEARS + 30)})
        return users[-1]["id"]

    add("admin", "系统管理员", "admin")
    add("zhuyao", "陈建国", "principal")
    add("zhuyao_old", "林国栋", "principal", active=False)
    office = [add(u, n, "office") for u, n in OFFICE]
    heads = {}
    for username, name, led in HEADS:
        uid = add(username, name, "division_head")
        for d in led:
            leaders.append({"user_id": uid, "division_id": d + 1})
            heads[d + 1] = uid
    drafters = {}
    for d in divisions:
        ids = []
        for k in range(5):
            if d["id"] == 1 and k == 0:
                ids.append(add("nigao", "张明", "drafter", 1))
            elif d["id"] == 3 and k == 0:
                ids.append(add("nigao2", "李华", "drafter", 3))
            else:
                ids.append(add(f"ng{d['id']:02d}{k}", person(), "drafter", d["id"]))
        drafters[d["id"]] = ids
    return divisions, users, leaders, {"office": office, "heads": heads, "drafters": drafters,
                                       "principal": 2, "former_principal": 3}


# --- one document and its history -------------------------------------------------------------
FORWARD = {  # actions after a submission that reach each state
    "office_check": [],
    "division_review": ["office_pass"],
    "principal_review": ["office_pass", "division_sign_off"],
    "publish_queue": ["office_pass", "division_sign_off", "principal_sign_off"],
    "archived": ["office_pass", "division_sign_off", "principal_sign_off"],
    "published": ["office_pass", "division_sign_off", "principal_sign_off", "mark_published"],
}
AFTER = {"office_pass": "division_review", "division_sign_off": "principal_review",
         "mark_published": "published"}
RETURN_PATHS = [  # (forward steps before the return, the return action, who returns)
    ([], "return_to_drafter", "office"),
    (["office_pass"], "send_back", "head"),
    (["office_pass", "division_sign_off"], "send_back", "principal"),
]


class DocumentMaker:
    def __init__(self, rng, people, writer, now):
        self.rng, self.people, self.writer, self.now = rng, people, writer, now
        self.start = now - timedelta(days=365 * YEARS)
        self.numbers = {}
        self.version_id = 0
        self.event_id = 0

    def states(self, n):
        """Exactly round(share × n) documents of each state (the rest published), shuffled."""
        plan = []
        for state, share in STATE_SHARE.items():
            plan += [state] * int(round(share * n))
        plan = plan[:n] + ["published"] * max(0, n - len(plan))
        self.rng.shuffle(plan)
        legacy = int(round(LEGACY_SHARE * n))
        office_check = [i for i, s in enumerate(plan) if s == "office_check"]
        legacy_ids = set(office_check[:legacy])
        return [("legacy" if i in legacy_ids else s) for i, s in enumerate(plan)]

    def _t0(self, state):
        rng, now = self.rng, self.now
        if state in ("office_check", "division_review", "principal_review", "publish_queue"):
            return now - timedelta(days=rng.uniform(40, 120), seconds=rng.uniform(0, 86400))
        if state in ("draft", "returned") and rng.random() < 0.5:
            return now - timedelta(days=rng.uniform(1, 365))
        if state == "legacy":
            return self.start + timedelta(days=rng.uniform(0, 365 * (YEARS - 1)))
        span = (now - timedelta(days=45) - self.start).total_seconds()
        return self.start + timedelta(seconds=rng.uniform(0, span))

    def _step(self, t):
        # office hours-ish: a few hours to a few days later
        return t + timedelta(hours=self.rng.uniform(0.5, 40))

    def _disclosure(self, state):
        rng = self.rng
        if state in ("publish_queue", "published"):
            return "proactive", True
        if state == "archived":
            return rng.choice(["on_request", "redacted", "withheld", "withheld"]), True
        if state == "draft":
            return (None if rng.random() < 0.4 else rng.choice(
                ["proactive", "proactive", "on_request", "redacted", "withheld"])), rng.random() < 0.7
        if state == "legacy":
            return None, False
        if state in ("office_check", "returned"):
            r = rng.random()
            if r < 0.15:
                return None, False
            return rng.choice(["proactive", "proactive", "on_request", "redacted", "withheld"]), r > 0.30
        # past the office: tagging is lawful
        return rng.choice(["proactive", "proactive", "proactive", "on_request", "redacted",
                           "withheld"]), True

    def _tagging(self, disclosure, valid):
        """(channels, legal_basis, reason_text) for an attribute, lawful or not."""
        rng = self.rng
        if disclosure is None:
            return "", None, ""
        if disclosure == "proactive":
            extra = rng.sample(CHANNELS[1:], rng.randint(0, 2))
            channels = ",".join(["portal"] + extra) if valid or rng.random() < 0.5 else ""
            return channels, None, ""
        basis = {"on_request": "not_proactive_scope", "redacted": "art37_separable"}.get(
            disclosure) or rng.choice(WITHHELD_BASES)
        reason = rng.choice(REASONS[basis])
        channels = "portal" if disclosure == "redacted" else ""
        if not valid:
            if rng.random() < 0.5:
                reason = rng.choice(BAD_REASONS)
            else:
                basis = None
        return channels, basis, reason

    def _actor(self, who, division_id, drafter_id, at):
        p = self.people
        if who == "drafter":
            return drafter_id
        if who == "office":
            return self.rng.choice(p["office"])
        if who == "head":
            return p["heads"][division_id]
        if who == "principal":
            # the former principal signed the first half of the period
            return p["former_principal"] if at < self.start + timedelta(days=365 * YEARS / 2) \
                else p["principal"]
        raise ValueError(who)

    def make(self, doc_id, state):
        """(document row, [version rows], [event rows]) for one document in ``state``."""
        rng = self.rng
        division_id = rng.randint(1, len(DIVISIONS))
        drafter_id = rng.choice(self.people["drafters"][division_id])
        t = self._t0(state)
        created = t
        disclosure, valid = self._disclosure(state)
        channels, basis, reason = self._tagging(disclosure, valid)
        title = self.writer.title(disclosure, t.year)
        body = self.writer.body()
        doc = {"id": doc_id, "title": title, "doc_number": None, "division_id": division_id,
               "drafter_id": drafter_id, "body_html": body, "is_urgent": rng.random() < URGENT_SHARE,
               "channels": channels, "disclosure": disclosure, "legal_basis": basis,
               "reason_text": reason, "state": state, "version_no": 0, "created_at": created,
               "updated_at": created, "submitted_at": None, "approved_at": None,
               "published_on": None, "published_channel": None, "published_url": None,
               "lock_version": 1}
        versions, events = [], []
        current = {"state": None}

        def event(action, who, to_state, comment=""):
            nonlocal t
            actor = self._actor(who, division_id, drafter_id, t)
            self.event_id += 1
            events.append({"id": self.event_id, "document_id": doc_id, "actor_id": actor,
                           "action": action, "from_state": current["state"], "to_state": to_state,
                           "comment": comment, "version_no": doc["version_no"], "at": t})
            current["state"] = to_state
            doc["updated_at"] = t
            t = self._step(t)
            return actor

        def submit(snapshot_body=None, snapshot=None):
            doc["version_no"] += 1
            doc["submitted_at"] = t
            self.version_id += 1
            fields = snapshot or {k: doc[k] for k in ("title", "doc_number", "is_urgent", "channels",
                                                     "disclosure", "legal_basis", "reason_text")}
            versions.append({"id": self.version_id, "document_id": doc_id, "number": doc["version_no"],
                             "body_html": snapshot_body or doc["body_html"], "created_at": t,
                             "created_by_id": drafter_id, **fields})
            event("submit", "drafter", "office_check")

        if state == "legacy":
            doc["state"] = "office_check"
            doc["version_no"] = 1
            self.version_id += 1
            versions.append({"id": self.version_id, "document_id": doc_id, "number": 1,
                             "title": title, "doc_number": None, "body_html": body,
                             "is_urgent": doc["is_urgent"], "channels": "", "disclosure": None,
                             "legal_basis": None, "reason_text": "", "created_at": t,
                             "created_by_id": drafter_id})
            event("import", "drafter", "office_check", "原系统中未标注公开属性。")
            return doc, versions, events

        event("create", "drafter", "draft")
        if state == "draft":
            return doc, versions, events
        cycles = 1 if state == "returned" else (1 if rng.random() < RETURN_CYCLE_SHARE else 0)
        if rng.random() < 0.1:
            cycles += 1
        for c in range(cycles):
            # an earlier, shorter version that came back
            earlier = doc["body_html"].rsplit("<p>", 1)[0] or doc["body_html"]
            bad_channels, bad_basis, bad_reason = self._tagging(disclosure, valid=False)
            submit(earlier, {"title": title, "doc_number": None, "is_urgent": doc["is_urgent"],
                             "channels": bad_channels, "disclosure": disclosure if rng.random() < 0.7
                             else None, "legal_basis": bad_basis, "reason_text": bad_reason})
            steps, action, who = rng.choice(RETURN_PATHS)
            for s in steps:
                event(s, "office" if s == "office_pass" else "head", AFTER[s],
                      rng.choice(SIGN_OFF[s]))
            comments = {"office": OFFICE_RETURNS, "head": LEAD_RETURNS, "principal": PRINCIPAL_RETURNS}
            event(action, who, "returned", rng.choice(comments[who]))
            t = t + timedelta(days=rng.uniform(0.2, 5))
        if state == "returned":
            return doc, versions, events

        if state in ("principal_review", "publish_queue", "published", "archived") or rng.random() < 0.5:
            doc["doc_number"] = self._number(division_id, t.year)
        submit()
        for s in FORWARD[state]:
            if s == "principal_sign_off":
                target = "publish_queue" if disclosure == "proactive" else "archived"
                event(s, "principal", target, rng.choice(SIGN_OFF[s]))
                doc["approved_at"] = events[-1]["at"]
            elif s == "mark_published":
                channel = rng.choice(doc["channels"].split(",")) if doc["channels"] else "portal"
                doc["published_on"] = t.date()
                doc["published_channel"] = channel
                doc["published_url"] = (f"https://jtj.example.gov.cn/zwgk/{t.year}/{doc_id}.html"
                                        if channel in ("portal", "new_media") else None)
                labels = {"portal": "门户网站政府信息公开专栏", "new_media": "政务微信、政务新媒体",
                          "bulletin": "机关政务公开栏", "service_window": "政务服务中心窗口",
                          "archives": "档案馆、图书馆报送"}
                event(s, "office", "published", f"{t:%Y-%m-%d} 发布于{labels[channel]}")
            else:
                event(s, "office" if s == "office_pass" else "head", AFTER[s], rng.choice(SIGN_OFF[s]))
        assert current["state"] == doc["state"], (current, doc["state"])
        assert doc["updated_at"] <= self.now, doc["updated_at"]
        return doc, versions, events

    def _number(self, division_id, year):
        key = (division_id, year)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        return f"{DIVISION_PREFIX[division_id - 1]}〔{year}〕{self.numbers[key]}号"


# --- the run ------------------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else the local reviewtool_bench")
    parser.add_argument("-n", "--documents", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000, help="documents per insert batch")
    parser.add_argument("--seed", type=int, default=20260101, help="random seed (same seed, same data)")
    parser.add_argument("--reset", action="store_true", help="drop the tables first")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)

    from common import bench_app
    from reviewtool.extensions import db
    from reviewtool.models import Division, Document, DocumentVersion, Event, User, division_leaders

    began = time.perf_counter()
    app = bench_app(url)
    rng = random.Random(args.seed)
    now = datetime(2026, 11, 20, 9, 0, 0)   # fixed, so that a seed gives the same data
    with app.app_context():
        if args.reset:
            db.drop_all()
        db.create_all()
        if db.session.scalar(select(func.count()).select_from(Document)):
            raise SystemExit("the database already has documents: use --reset to start over")
        if db.session.scalar(select(func.count()).select_from(User)):
            raise SystemExit("the database already has users: use --reset to start over")
        db.session.commit()
        print(f"database {database_name(url)}: schema ready ({time.perf_counter() - began:.1f}s)")

        password_hash = generate_password_hash(DEMO_PASSWORD)
        divisions, users, leaders, people = make_people(rng, password_hash, now)
        engine = db.engine
        with engine.begin() as conn:
            conn.execute(insert(Division.__table__), divisions)
            conn.execute(insert(User.__table__), users)
            conn.execute(insert(division_leaders), leaders)
        print(f"{len(divisions)} divisions, {len(users)} users")

        maker = DocumentMaker(rng, people, Writer(rng), now)
        plan = maker.states(args.documents)
        totals = {"documents": 0, "versions": 0, "events": 0}
        t_build = t_insert = 0.0
        last_report = time.perf_counter()
        for start in range(0, len(plan), args.batch):
            t0 = time.perf_counter()
            docs, versions, events = [], [], []
            for i, state in enumerate(plan[start:start + args.batch], start=start + 1):
                d, v, e = maker.make(i, state)
                docs.append(d)
                versions += v
                events += e
            t1 = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(insert(Document.__table__), docs)
                if versions:
                    conn.execute(insert(DocumentVersion.__table__), versions)
                conn.execute(insert(Event.__table__), events)
            t2 = time.perf_counter()
            t_build += t1 - t0
            t_insert += t2 - t1
            totals["documents"] += len(docs)
            totals["versions"] += len(versions)
            totals["events"] += len(events)
            if t2 - last_report > 10 or start + args.batch >= len(plan):
                last_report = t2
                rate = totals["documents"] / (t2 - began)
                print(f"  {totals['documents']:>7} documents, {totals['versions']:>7} versions, "
                      f"{totals['events']:>7} events  ({rate:,.0f} documents/s)", flush=True)

        t3 = time.perf_counter()
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                for table in ("division", "user", "document", "document_version", "event"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                      f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))"))
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        t4 = time.perf_counter()

        with engine.connect() as conn:
            by_state = dict(conn.execute(text(
                "SELECT state, count(*) FROM document GROUP BY state ORDER BY state")).all())
            by_disclosure = dict(conn.execute(text(
                "SELECT coalesce(disclosure, '(none)'), count(*) FROM document "
                "GROUP BY 1 ORDER BY 1")).all())
            years = conn.execute(text(
                "SELECT min(created_at), max(updated_at) FROM document")).one()
            size = (conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
                    .scalar() if engine.dialect.name == "postgresql" else "?")
    total = time.perf_counter() - began
    print(f"by state: {by_state}")
    print(f"by disclosure: {by_disclosure}")
    print(f"dates: {years[0]:%Y-%m-%d} .. {years[1]:%Y-%m-%d}; database size {size}")
    print(f"timing: build rows {t_build:.1f}s, insert {t_insert:.1f}s, "
          f"sequences + VACUUM ANALYZE {t4 - t3:.1f}s, total {total:.1f}s "
          f"({totals['documents']} documents, {totals['versions']} versions, {totals['events']} events)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
