"""``flask`` commands: init-db, create-user, seed-demo, load-holidays."""
import csv
import json
from datetime import date
from pathlib import Path

import click
from flask_migrate import upgrade
from sqlalchemy import select

from . import sweep
from .audit import verify_chain
from .calendar import entry as calendar_entry
from .demo import seed
from .extensions import db
from .labels import DayKind, Role
from .models import Division, User
from .errors import Invalid
from .operations import save_calendar_year, save_user


def register(app):
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the schema to the latest migration."""
        upgrade()
        click.echo("数据库已初始化（迁移到最新版本）。")

    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--name", required=True, help="姓名")
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--division", default=None, help="所在科室（拟稿人）")
    @click.option("--leads", multiple=True, help="分管科室（分管领导，可多次给出）")
    @click.password_option()
    def create_user(username, name, role, division, leads, password):
        """Create a user; divisions named are created when missing."""
        if db.session.scalar(select(User).filter_by(username=username)):
            raise click.ClickException(f"用户名 {username} 已存在。")
        if role == Role.DRAFTER.value and not division:
            raise click.ClickException("拟稿人须用 --division 指定所在科室。")
        home = get_or_create_division(division) if division else None
        led = [get_or_create_division(d) for d in leads]
        db.session.flush()
        try:
            save_user(None, User(active=True), username=username, name=name, role=role,
                      division_id=home.id if home else None,
                      led_division_ids=[d.id for d in led], password=password)
        except Invalid as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"已创建用户 {username}（{Role(role).label}）。")

    @app.cli.command("seed-demo")
    @click.option("--reset", is_flag=True, help="先清空已有数据（仅用于演示库）")
    def seed_demo(reset):
        """Demo divisions, one user per role and documents in every state, from shared/seeds."""
        summary = seed(reset=reset)
        click.echo(summary)

    @app.cli.command("verify-audit")
    def verify_audit():
        """Walk the audit trail's hash chain; name the first event that no longer matches."""
        check = verify_chain()
        if not check.ok:
            raise click.ClickException(f"审计记录链已被破坏：{check.problem}")
        click.echo(f"审计记录链完整：共 {check.checked} 条记录，逐条校验相符。链头校验值：{check.head_hash}")

    @app.cli.command("sweep")
    @click.option("--date", "day", default=None, help="按该日期计算（YYYY-MM-DD，默认今天）")
    @click.option("--no-mail", is_flag=True, help="只写站内消息，不发送每日摘要邮件")
    def sweep_command(day, no_mail):
        """到期提醒巡检：写入即将到期、已超期、定期评估审查到期的站内消息，并发送每日摘要邮件（已配置
        MAIL_SERVER 时）。重复运行不会重复提醒或重复发信。"""
        try:
            today = date.fromisoformat(day) if day else None
        except ValueError:
            raise click.ClickException("日期格式应为 YYYY-MM-DD。") from None
        result = sweep.run(today, send_mail=not no_mail)
        db.session.commit()
        click.echo(f"{result.today}：新增提醒 {result.notified} 条，发送每日摘要 {result.digests} 封。")
        for failure in result.failures:
            click.echo(f"未能送达：{failure}", err=True)
        if result.mail_error:
            raise click.ClickException(result.mail_error)

    @app.cli.command("load-holidays")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--user", "username", default=None, help="记为录入人的系统管理员用户名")
    @click.option("--note", default="", help="依据，如：国务院办公厅关于2027年部分节假日安排的通知")
    @click.option("--merge", is_flag=True,
                  help="与该年已录入的日期合并（同一日期以文件为准），而不是整体替换")
    @click.option("--not-maintained", is_flag=True, help="不把文件涉及的年份标记为“已维护”")
    def load_holidays(file, username, note, merge, not_maintained):
        """从 CSV 或 JSON 文件导入放假日期和调休上班日期（按年份保存，标记为“已维护”）。

        \b
        CSV（UTF-8 或 GB18030；表头 date,kind,name 可有可无；# 开头的行忽略）：
          date,kind,name
          2027-01-01,holiday,元旦
          2027-02-05~2027-02-11,holiday,春节
          2027-02-14,workday,春节调休
        \b
        JSON：对象数组，或以年份为键、值为对象数组的对象：
          [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}, ...]
          {"2027": [{"date": "2027-02-14", "kind": "workday", "name": "春节调休"}]}
        \b
        kind：holiday（放假，也可写 休、放假）或 workday（调休上班，也可写 班、上班）。
        date：2027-01-01，连续几天可写成 2027-02-05~2027-02-11；name 可空。

        文件中出现的每个年份生成一个新版本，整体替换该年已录入的内容（加 --merge 则合并）；
        旧版本保留为历史。文件有任何错误时不导入任何内容，并逐条列出错误。
        """
        user = None
        if username:
            user = db.session.scalar(select(User).filter_by(username=username))
            if user is None or not user.has_role(Role.ADMIN):
                raise click.ClickException(f"找不到系统管理员用户 {username}。")
        located, errors = read_calendar_file(file)
        errors += calendar_entry.check_entries(located)
        if not located and not errors:
            errors.append("文件中没有任何日期。")
        if errors:
            raise click.ClickException("文件有误，未导入任何内容：\n" + "\n".join(errors))
        by_year = {}
        for _, entry in located:
            by_year.setdefault(entry.date.year, []).append(entry)
        for year, entries in sorted(by_year.items()):
            current = calendar_entry.current_version(year)
            if merge:
                dates = {e.date for e in entries}
                entries = entries + [e for e in calendar_entry.entries_of(current)
                                     if e.date not in dates]
            maintained = (not not_maintained) or bool(current and current.maintained)
            saved = save_calendar_year(user, year, entries, maintained=maintained,
                                       note=note or (current.note if current else ""),
                                       source=f"命令行导入：{file.name}")
            if saved is None:
                click.echo(f"{year}年：内容没有变化，未保存新版本。")
            else:
                holidays = sum(1 for e in entries if e.kind == DayKind.HOLIDAY.value)
                click.echo(f"{year}年：已导入放假 {holidays} 天、调休上班 {len(entries) - holidays} 天"
                           f"{'，已标记为已维护' if saved.maintained else '，未标记为已维护'}。")
        db.session.commit()


def get_or_create_division(name):
    division = db.session.scalar(select(Division).filter_by(name=name))
    if division is None:
        division = Division(name=name)
        db.session.add(division)
    return division


def read_calendar_file(path):
    """A CSV or JSON file of calendar days → ([(where, DayEntry)], errors); see load-holidays."""
    parse_entry = calendar_entry.parse_entry
    raw = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], ["无法识别文件编码，请保存为 UTF-8。"]
    located, errors = [], []

    def add(where, date, kind, name):
        entries, problems = parse_entry(date, kind, name, where)
        located.extend((where, e) for e in entries)
        errors.extend(problems)
        return entries

    if Path(path).suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        try:
            data = json.loads(text)
        except ValueError as error:
            return [], [f"JSON 格式有误：{error}"]
        groups = data.items() if isinstance(data, dict) else [(None, data)]
        for key, records in groups:
            label = f"{key}年" if key is not None else ""
            if not isinstance(records, list):
                errors.append(f"“{key}”的值应为数组。")
                continue
            for number, record in enumerate(records, start=1):
                where = f"{label}第{number}项"
                if not isinstance(record, dict):
                    errors.append(f"{where}：应为含 date、kind、name 的对象")
                    continue
                for entry in add(where, record.get("date"), record.get("kind"), record.get("name", "")):
                    if key is not None and str(entry.date.year) != str(key).strip():
                        errors.append(f"{where}：{entry.date.isoformat()} 不在{key}年内")
                        break
        return located, errors

    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row] + ["", "", ""]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() in ("date", "日期"):
            continue
        add(f"第{number}行", cells[0], cells[1], cells[2])
    return located, errors
