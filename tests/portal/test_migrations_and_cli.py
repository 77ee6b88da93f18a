"""Migrations bring an empty database to the models' schema; the flask commands work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from portal import create_app
from portal.extensions import db
from portal.models import Request, RequestStatus, RequestType, User

ROOT = Path(__file__).resolve().parents[2]


def _flask(args: list[str], env: dict[str, str], input: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=input,
        timeout=300,
    )


@pytest.fixture()
def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_URL"))}
    env.update(
        PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
        SECRET_KEY="migration-test",
        DATABASE_URL="sqlite:///" + str(tmp_path / "fresh.sqlite3"),
        PORTAL_JOBS_IN_PROCESS="true",
    )
    env.pop("REDIS_URL", None)
    return env


def test_init_db_then_check_finds_no_difference(fresh_env) -> None:
    result = _flask(["init-db"], fresh_env)
    assert result.returncode == 0, result.stderr
    check = _flask(["db", "check"], fresh_env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    again = _flask(["init-db"], fresh_env)  # idempotent
    assert again.returncode == 0


def test_migrated_audit_table_refuses_update_and_delete(fresh_env) -> None:
    assert _flask(["init-db"], fresh_env).returncode == 0
    engine = create_engine(fresh_env["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor_label, action, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'probe', '{}')"
            )
        )
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()


@pytest.mark.db
def test_migrations_on_postgresql_when_configured(tmp_path: Path) -> None:
    """On PostgreSQL (CI sets DATABASE_URL) upgrade runs in a schema of its own."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        url = "sqlite:///" + str(tmp_path / "pg-stand-in.sqlite3")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": url,
            "JOBS_IN_PROCESS": True,
        }
    )
    schema = "migration_probe"
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            probe = create_engine(
                str(engine.url.render_as_string(hide_password=False)),
                connect_args={"options": f"-csearch_path={schema}"},
            )
        else:
            probe = engine
        from alembic.config import Config

        cfg = Config(str(ROOT / "migrations" / "alembic.ini"))
        cfg.set_main_option("script_location", str(ROOT / "migrations"))
        with probe.begin() as conn:
            cfg.attributes["connection"] = conn
            _run_upgrade(app, cfg, conn)
        tables = set(inspect(probe).get_table_names())
        assert {"requests", "audit_events", "clock_events", "users", "outbox"} <= tables
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            probe.dispose()
        engine.dispose()


def _run_upgrade(app, cfg, conn) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(cfg)
    context = MigrationContext.configure(conn)
    with Operations.context(context):
        for revision in reversed(list(script.walk_revisions("base", "heads"))):
            revision.module.upgrade()


def test_create_user_command(runner) -> None:
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "New.Person@Council.example",
            "--name",
            "New Person",
            "--role",
            "caseworker",
            "--role",
            "approver",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.email == "new.person@council.example"
    assert user.check_password("long enough password")
    assert {r.value for r in user.roles} == {"caseworker", "approver"}
    short = runner.invoke(
        args=[
            "create-user",
            "--email",
            "b@council.example",
            "--name",
            "B",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output


def test_demo_command_loads_every_state_and_type_once(runner, app) -> None:
    result = runner.invoke(args=["demo", "--children", "2"])
    assert result.exit_code == 0, result.output
    assert "caseworker@demo.council.example" in result.output
    assert "Requests about children in the records: SAR-" in result.output
    from portal.models import Candidate, Document

    assert db.session.scalar(select(func.count()).select_from(Document)) > 5
    assert db.session.scalar(select(func.count()).select_from(Candidate)) > 0
    requests = list(db.session.scalars(select(Request)))
    assert len(requests) >= 30
    states = {r.status for r in requests}
    types = {r.type for r in requests}
    assert types == set(RequestType)
    for status in RequestStatus:
        assert status in states, status
    roles = {role for u in db.session.scalars(select(User)) for role in u.roles}
    assert len(roles) == 4
    again = runner.invoke(args=["demo"])
    assert "already has requests" in again.output
    assert db.session.scalar(select(func.count()).select_from(Request)) == len(requests)


def test_recompute_deadlines_command(runner, make_request) -> None:
    make_request()
    result = runner.invoke(args=["recompute-deadlines"])
    assert "1 open request(s) recomputed" in result.output


def test_app_refuses_the_development_secret_key(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_environment_overrides_instance_config(tmp_path, monkeypatch) -> None:
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-instance'\nUPLOAD_MAX_FILES = 3\n")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_UPLOAD_MAX_FILES", "4")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["UPLOAD_MAX_FILES"] == 4
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    app = create_app({"TESTING": True, "UPLOAD_MAX_FILES": 2})
    assert app.config["UPLOAD_MAX_FILES"] == 2


def test_instance_setup_writes_a_secret_key_once(tmp_path) -> None:
    from portal.instance_setup import ensure_secret_key

    assert ensure_secret_key(str(tmp_path)) is True
    first = (tmp_path / "config.py").read_text()
    assert ensure_secret_key(str(tmp_path)) is False
    assert (tmp_path / "config.py").read_text() == first
    assert oct((tmp_path / "config.py").stat().st_mode)[-3:] == "600"
