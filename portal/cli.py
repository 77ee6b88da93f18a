"""flask commands: init-db, demo, create-user, serve, send-outbox, recompute-deadlines."""

from __future__ import annotations

import getpass
import os
import signal
import subprocess
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.serving import run_simple

from portal.extensions import db
from portal.models import Document, Request, Role
from portal.services import deadlines, housekeeping, mail, records_import, storage, users
from portal.services.errors import ServiceError


@click.command("init-db")
def init_db_command() -> None:
    """Bring the database to the current schema (same as `flask db upgrade`)."""
    upgrade()
    click.echo("Database is at the current schema.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)
@click.option("--password", envvar="PORTAL_NEW_USER_PASSWORD", help="prompted for when not given")
def create_user_command(
    email: str, full_name: str, roles: tuple[str, ...], password: str | None
) -> None:
    """Create a staff account."""
    if not password:
        password = getpass.getpass("Password: ")
    try:
        user = users.create_user(email, full_name, {Role(r) for r in roles}, password, actor=None)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles))}")


DEMO_CHILDREN = 30


@click.command("demo")
@click.option("--force", is_flag=True, help="load even if the database already has requests")
@click.option(
    "--children",
    default=DEMO_CHILDREN,
    show_default=True,
    type=click.IntRange(0, 5000),
    help="children in the demo case records (0: none)",
)
def demo_command(force: bool, children: int) -> None:
    """Load demo data into an empty database and print the staff logins."""
    from demo import loader

    has_requests = db.session.scalar(select(func.count()).select_from(Request))
    if has_requests and not force:
        click.echo("The database already has requests: demo data not loaded.")
    else:
        logins = loader.load()
        db.session.commit()
        loader.save_logins(current_app.instance_path, logins)
        click.echo(f"Loaded demo data: {loader.REQUEST_COUNT} requests.")
        if children and not db.session.scalar(select(func.count()).select_from(Document)):
            from demo import records as demo_records

            out = os.path.join(current_app.instance_path, "demo-export")
            click.echo(f"Writing a demo export of case records ({children} children) ...")
            demo_records.generate(out, children=children)
            _import(out)
            made = loader.requests_for_records(out)
            db.session.commit()
            click.echo(f"Requests about children in the records: {', '.join(made)}")
    loader.print_logins(current_app.instance_path, click.echo)


@click.command("send-outbox")
def send_outbox_command() -> None:
    """Send pending outbox messages by SMTP now."""
    sent = mail.send_pending(current_app.config)
    db.session.commit()
    click.echo(f"{sent} message(s) sent.")


@click.command("recompute-deadlines")
def recompute_deadlines_command() -> None:
    """Recompute the due date of every open request (after a holiday-list change)."""
    count = deadlines.refresh_open_requests()
    db.session.commit()
    click.echo(f"{count} open request(s) recomputed.")


def _import(folder: str) -> None:
    from redaction.text import plain_text  # text for the search index; no spaCy

    store = storage.records_dir()
    try:
        report = records_import.import_export(folder, store, plain_text)
    except records_import.ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for kind in ("people", "cases", "documents"):
        click.echo(
            f"{kind}: {report.created[kind]} new, {report.updated[kind]} changed, "
            f"{report.unchanged[kind]} unchanged"
        )
    for line in records_import.iter_errors(report):
        click.echo(f"  {line}", err=True)
    if report.errors:
        click.echo(f"{len(report.errors)} row(s) not imported (listed above).", err=True)


@click.command("import-records")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def import_records_command(folder: str) -> None:
    """Import an export of case records (documents + manifest) from FOLDER."""
    _import(folder)


@click.command("demo-records")
@click.option("--children", default=50, show_default=True, type=click.IntRange(1, 5000))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--out", type=click.Path(file_okay=False), help="default: instance/demo-export")
@click.option("--no-import", is_flag=True, help="only write the export")
def demo_records_command(children: int, seed: int, out: str | None, no_import: bool) -> None:
    """Generate a realistic demo export (PDF, DOCX, EML with ground truth) and import it."""
    from demo import records as demo_records

    out = out or os.path.join(current_app.instance_path, "demo-export")
    summary = demo_records.generate(out, children=children, seed=seed)
    click.echo(
        f"Wrote {summary.documents} documents, {summary.people} people, {summary.cases} cases "
        f"to {out}"
    )
    if not no_import:
        _import(out)


@click.command("purge-expired")
def purge_expired_command() -> None:
    """Delete abandoned online forms (and their uploads), old failed look-ups, expired links."""
    config = current_app.config
    counts = housekeeping.purge_expired(
        config["UPLOAD_DIR"],
        int(config["INTAKE_DRAFT_HOURS"]),
        int(config["STATUS_LOOKUP_WINDOW_MINUTES"]),
    )
    db.session.commit()
    click.echo(
        f"Removed {counts['drafts']} draft(s), {counts['files']} file(s), "
        f"{counts['links']} expired link(s)."
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host: str, port: int) -> None:
    """Serve the portal in the foreground, with an RQ worker beside it when Redis answers."""
    from portal.queue import get_queue

    catcher = None
    if current_app.config.get("DEMO_MAILBOX") and current_app.config.get("SMTP_HOST"):
        from demo import mailbox

        catcher = mailbox.start(
            str(current_app.config["DEMO_MAILBOX"]), int(current_app.config["SMTP_PORT"])
        )
        click.echo(f"Demo mailbox: every email sent is shown at http://{host}:{port}/demo/mailbox")
    worker: subprocess.Popen[bytes] | None = None
    if not get_queue().in_process:
        worker = subprocess.Popen([sys.executable, "-m", "workers"], env=dict(os.environ))
        click.echo(f"Started an RQ worker (pid {worker.pid}) on {get_queue().redis_url}")
    else:
        click.echo("No Redis server answered: background jobs run inside the portal process.")

    def _stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        click.echo(f"Serving the portal on http://{host}:{port} (Ctrl-C to stop)")
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    except KeyboardInterrupt:
        pass
    finally:
        if catcher is not None:
            catcher.stop()
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            click.echo("Stopped the worker.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        init_db_command,
        create_user_command,
        demo_command,
        send_outbox_command,
        recompute_deadlines_command,
        purge_expired_command,
        import_records_command,
        demo_records_command,
        serve_command,
    ):
        app.cli.add_command(command)
