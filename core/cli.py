"""Data commands of the core: demo-data, create-user, create-api-token, import-units/points/groups,
backup and restore."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from core import backup, demo, transactions
from core.audit import Actor
from core.errors import CoreError, ValidationFailed
from core.extensions import db
from core.links import pairing_url, survey_url
from core.models import FLAGS, ROLES, Point, User
from core.org.accounts import create_api_token, create_user
from core.org.devices import create_pairing_code
from core.org.imports import ImportFailed, import_groups, import_points, import_units
from core.ratings.privacy import erase_expired_personal_data
from core.timeutil import local_today


@click.command("demo-data")
@with_appcontext
@click.option(
    "--responses",
    "responses",
    type=click.IntRange(min=0),
    default=None,
    help="Also bulk-add N synthetic responses, spread over the current demo period up to today.",
)
@transactions.command
def demo_data(responses: int | None) -> None:
    """Load the demo province (idempotent) and print the demo accounts."""
    for line in demo.load_demo():
        click.echo(line)
    if responses:
        started = time.perf_counter()
        today = local_today()
        days = (today - demo.current_period_range(today)[0]).days + 1
        added = demo.add_sample_responses(count=responses, days=days)
        click.echo(f"bulk responses added: {added} in {time.perf_counter() - started:.1f} s")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "unit_code", default=None, help="Unit code (required for unit_manager and viewer).")
@transactions.command
def create_user_command(username: str, role: str, unit_code: str | None) -> None:
    """Create an account; the password comes from a prompt, or two lines on standard input."""
    password = _read_password()
    try:
        user = create_user(Actor.cli(), username, role, password, unit_code)
    except ValidationFailed as exc:
        raise click.ClickException(_describe(exc)) from None
    click.echo(f"created user {user.username} ({user.role})")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    first = sys.stdin.readline().rstrip("\r\n")
    second = sys.stdin.readline().rstrip("\r\n")
    if first != second:
        raise click.ClickException("the two passwords differ")
    return first


@click.command("create-api-token")
@with_appcontext
@click.argument("username")
@click.option("--name", default="cli", help="A label to recognise the token by.")
@transactions.command
def create_api_token_command(username: str, name: str) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"unknown user {username!r}")
    try:
        _row, token = create_api_token(Actor.cli(), user, name)
    except ValidationFailed as exc:
        raise click.ClickException(_describe(exc)) from None
    click.echo(token)


def run_import(function, file: str):
    """Any import command: the file to the core's importer as the command line; every bad line on
    standard error and a non-zero exit when it refuses (nothing is stored then)."""
    path = Path(file)
    try:
        return function(Actor.cli(), path.read_bytes(), path.name)
    except ImportFailed as exc:
        for error in exc.errors:
            click.echo(f"{path.name}: {error}", err=True)
        raise click.ClickException(f"nothing imported: {len(exc.errors)} error(s)") from None
    except CoreError as exc:
        raise click.ClickException(_describe(exc)) from None


def _import(function, file: str, what: str) -> None:
    result = run_import(function, file)
    for note in result.notes:
        click.echo(note)
    click.echo(f"{what}: {result.created} created, {result.updated} updated")


@click.command("import-units")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@transactions.command
def import_units_command(file: str) -> None:
    """Import units from .csv or .xlsx with columns code,name,kind,parent,group."""
    _import(import_units, file, "units")


@click.command("import-points")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@transactions.command
def import_points_command(file: str) -> None:
    """Import reception points from .csv or .xlsx with columns code,name,unit."""
    _import(import_points, file, "points")


@click.command("import-groups")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@transactions.command
def import_groups_command(file: str) -> None:
    """Import competition groups from .csv or .xlsx with columns code,name,leader_unit."""
    _import(import_groups, file, "groups")


def _describe(exc: CoreError) -> str:
    details = "; ".join(f"{field}: {problem}" for field, problem in exc.fields.items())
    return f"{exc.message} {details}".strip()


@click.command("show-urls")
@with_appcontext
@click.option("--point", "point_code", default="TTT-VP-P1", help="The demo point whose URLs to print.")
@transactions.command
def show_urls(point_code: str) -> None:
    """Print the kiosk pairing, QR survey and admin URLs with the demo login."""
    point = db.session.scalar(sa.select(Point).where(Point.code == point_code))
    if point is None:
        point = db.session.scalar(sa.select(Point).order_by(Point.code))
    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo("=" * 72)
    if point is not None and point.active:
        code = create_pairing_code(Actor.cli(), point)
        minutes = current_app.config["PAIRING_CODE_MINUTES"]
        click.echo(f"Kiosk ({point.code}), open on the tablet within {minutes} min: {pairing_url(code)}")
        click.echo(f"QR survey ({point.code}):  {survey_url(point)}")
    click.echo(f"Admin:  {base}/admin/   demo login: admin / demo-admin-2026")
    click.echo(f"Health: {base}/healthz")
    click.echo("=" * 72)


@click.command("purge-personal-data")
@with_appcontext
@transactions.command
def purge_personal_data() -> None:
    """Erase contacts of cases finished, and of answers without a case, more than
    CONTACT_RETENTION_DAYS ago (run daily from cron)."""
    cases, answers = erase_expired_personal_data(Actor.cli())
    click.echo(f"contact details erased from {cases} case(s) and {answers} answer(s)")


@click.command("purge-contacts", hidden=True)
@with_appcontext
@click.pass_context
def purge_contacts(context) -> None:
    """The former name of purge-personal-data."""
    context.invoke(purge_personal_data)


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False))
def backup_command(file: str) -> None:
    """Copy the whole database to FILE: SQLite's online backup, or pg_dump (custom format) for PostgreSQL."""
    try:
        size = backup.backup(db.engine.url, Path(file))
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {file} ({size} bytes)")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds tables.")
def restore_command(file: str, force: bool) -> None:
    """Replace the configured database with the backup FILE (made by `backup`). Stop the service first."""
    # Our own pooled connections would hold the tables the restore drops and recreates.
    db.engine.dispose()
    try:
        backup.restore(db.engine.url, Path(file), force=force)
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from None
    db.engine.dispose()
    click.echo(f"restored {file}; run `flask --app wsgi db upgrade` if it was made by an older release")


@click.command("deliver-notifications")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep delivering (for a systemd unit); one pass otherwise.")
@click.option("--interval", type=click.IntRange(1, 3600), default=15, show_default=True, help="Seconds between passes.")
def deliver_notifications(loop: bool, interval: int) -> None:
    """Announce overdue cases and deliver the outbox (e-mail and webhook), retrying with back-off."""
    from core.notify.worker import run

    run(loop=loop, interval=interval, echo=click.echo)


@click.command("run-exports")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep building (for a systemd unit); one pass otherwise.")
@click.option("--interval", type=click.IntRange(1, 3600), default=2, show_default=True, help="Seconds between passes.")
def run_exports(loop: bool, interval: int) -> None:
    """Build the exports asked for on the report pages (XLSX, CSV, meeting PDF and DOCX), and delete
    files older than EXPORT_KEEP_HOURS."""
    from core.reporting.jobs import work

    work(loop=loop, interval=interval, echo=click.echo)


@click.command("rebuild-rollups")
@with_appcontext
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="First local day (default: all).")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Last local day (default: all).")
@transactions.command
def rebuild_rollups(first, last) -> None:
    """Recompute the report counters from the raw answers and say whether any differed."""
    from core.ratings.rollups import rebuild

    started = time.perf_counter()
    found = rebuild(first.date() if first else None, last.date() if last else None)
    for table, count in found.items():
        click.echo(f"{table}: {count} counter row(s) differed")
    verdict = "the rollups differed from the raw answers and were corrected" if any(found.values()) else "no difference"
    click.echo(f"{verdict} ({time.perf_counter() - started:.1f} s)")


@click.command("flag-response")
@with_appcontext
@click.argument("response_id")
@click.option(
    "--flag", required=True, type=click.Choice([*FLAGS, "none"]), help="The flag to set; none counts it again."
)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@transactions.command
def flag_response(response_id: str, flag: str, reason: str) -> None:
    """Leave an answer out of the figures (misuse, repeat, clock) or count it again (none)."""
    from core.ratings.flags import change_flag
    from core.ratings.responses import parse_uuid

    try:
        response = change_flag(Actor.cli(), parse_uuid(response_id), None if flag == "none" else flag, reason)
    except CoreError as exc:
        raise click.ClickException(_describe(exc)) from None
    click.echo(f"{response.id}: flag {response.flag or 'none'}")
