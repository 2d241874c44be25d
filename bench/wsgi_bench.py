"""gunicorn entry for bench/load.py: the production app on the bench database.

Started by load.py as ``gunicorn --chdir bench wsgi_bench:app`` with DATABASE_URL and
BENCH_SECRET_KEY in the environment (not SECRET_KEY: see common.prepare_production_env for
why the plain ``wsgi:app`` cannot start with a key in the environment yet).
BENCH_EXPERIMENTS=key,key applies bench/experiments.py stand-ins in each worker.
BENCH_GC_FREEZE=1 freezes everything the worker has after building the app (gc.freeze()),
so that full collections stop walking the ~100k objects of Flask/SQLAlchemy/Jinja.
"""
import gc
import os

from common import prepare_production_env

prepare_production_env(os.environ.pop("BENCH_SECRET_KEY", None))

from reviewtool import create_app  # noqa: E402

_experiments = [k for k in os.environ.get("BENCH_EXPERIMENTS", "").split(",") if k]
if _experiments:                   # bench/experiments.py stand-ins, as load.py --apply asks
    import experiments
    _chosen = [experiments.EXPERIMENTS[k] for k in _experiments]
    _config = {}
    for _e in _chosen:
        _config.update(_e.config)
    app = create_app({"CONFIG": "production", **_config})
    for _e in _chosen:
        if _e.patch:
            _e.patch(app)
else:
    app = create_app("production")

if os.environ.get("BENCH_GC_FREEZE") == "1":
    gc.collect()
    gc.freeze()
