"""The flask commands, migrations against the models, and configuration safety."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import select

from config import ProductionConfig
from reviewtool import create_app
from reviewtool.labels import State
from reviewtool.models import Division, Document, Event, User


# Alembic cannot reflect the DESC-ordered indexes to compare them; it still creates them.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_build_exactly_the_models_schema(app, db):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    # The ordered (DESC) indexes cannot be compared by Alembic; the next test checks them.
    diff = [d for d in diff if not (d[0] in ("add_index", "remove_index") and d[1].name in ORDERED)]
    assert diff == [], diff


ORDERED = {"ix_document_state_order", "ix_document_order", "ix_document_drafter_order"}


def test_init_db_create_user_and_seed_demo(app, db):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "数据库已初始化" in result.output

    result = runner.invoke(args=["create-user", "--username", "wang", "--name", "王五", "--role",
                                 "division_head", "--leads", "运输管理科", "--leads", "安全监督科",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    wang = db.session.scalar(select(User).filter_by(username="wang"))
    assert wang.check_password("long-enough-1")
    assert sorted(d.name for d in wang.led_divisions) == ["安全监督科", "运输管理科"]
    refused = runner.invoke(args=["create-user", "--username", "li", "--name", "李", "--role",
                                  "drafter", "--password", "x-long-enough"])
    assert refused.exit_code != 0 and "须用 --division" in refused.output

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "Demo-2026-gk" in result.output
    states = {d.state for d in db.session.scalars(select(Document))}
    main_path = {s.value for s in State} - {"review_division", "review_principal"}
    assert states >= main_path, states                      # a document in every state of the path
    untagged = db.session.scalars(select(Document).filter_by(state="office_check", disclosure=None)).all()
    assert untagged, "the office has untagged documents to return"
    assert db.session.query(Event).count() > 20
    again = runner.invoke(args=["seed-demo"])
    assert "已存在" in again.output
    assert db.session.query(Division).filter_by(name="运输管理科").count() == 1


def test_production_refuses_to_start_without_a_real_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        ProductionConfig.check()
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "x" * 48 and app.config["SESSION_COOKIE_SECURE"]


def test_errors_are_chinese_pages_not_500(browser, users):
    b = browser("drafter")
    missing = b.get("/documents/999999")
    assert missing.status_code == 404 and "找不到该页面或公文" in missing.get_data(True)
    wrong = b.get("/review/")
    assert wrong.status_code == 403 and "无权" in wrong.get_data(True)


def test_production_starts_with_a_real_secret_set_before_import(monkeypatch):
    """The key is read when config.py is imported: a real key there must be accepted."""
    import importlib

    import config
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    try:
        fresh = importlib.reload(config)
        fresh.ProductionConfig.check()
        assert create_app(fresh.ProductionConfig).config["SECRET_KEY"] == "k" * 64
    finally:
        monkeypatch.delenv("SECRET_KEY")
        importlib.reload(config)


def test_migrations_create_the_ordered_work_list_indexes(app, db):
    from sqlalchemy import inspect
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("document")}
    assert ORDERED | {"ix_document_division_state"} <= names


def test_seed_demo_reset_rebuilds_the_demo_database(app, db):
    """--reset empties documents with everything that hangs on them (catalogue entries, checks,
    personal-data resolutions, spans, versions, events) and the demo users, then seeds again."""
    from reviewtool.models import CatalogueEntry, ConfidentialityCheck, RedactionSpan
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = lambda: (db.session.query(Document).count(), db.session.query(User).count(),  # noqa: E731
                      db.session.query(CatalogueEntry).count(),
                      db.session.query(ConfidentialityCheck).count(),
                      db.session.query(RedactionSpan).count())
    before = counts()
    assert all(before), before
    again = runner.invoke(args=["seed-demo", "--reset"])
    assert again.exit_code == 0, again.output + repr(again.exception)
    assert "已创建演示数据" in again.output
    db.session.expire_all()
    assert counts() == before
    assert db.session.query(Division).filter_by(name="运输管理科").count() == 1
