"""Command line of the competition: create-period, import-assessments, import-dossiers,
freeze-review, verify-review, publish-review."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from core import transactions
from core.audit import Actor
from core.cli import run_import
from core.competition import inputs, reviews
from core.errors import CoreError
from core.models import STAGES
from core.org.periods import add_milestone, create_period, period_by_code

STAGE = click.Choice(STAGES)


def _date(_context, _param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


def _period(code: str):
    period = period_by_code(code)
    if period is None:
        raise click.ClickException(f"unknown period {code!r}")
    return period


def _review(code: str, stage: str):
    review = reviews.review_of(_period(code), stage)
    if review is None:
        raise click.ClickException(f"the {stage} of {code} is not frozen")
    return review


def _core(function, *args):
    try:
        return function(*args)
    except CoreError as exc:
        details = "; ".join(f"{field}: {problem}" for field, problem in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None


@click.command("create-period")
@with_appcontext
@click.argument("code")
@click.option("--name", required=True)
@click.option("--start", required=True, callback=_date, help="YYYY-MM-DD")
@click.option("--end", required=True, callback=_date, help="YYYY-MM-DD")
@click.option("--so-ket", "so_ket", callback=_date, help="Date of the mid-term review (YYYY-MM-DD).")
@click.option("--tong-ket", "tong_ket", callback=_date, help="Date of the final review (YYYY-MM-DD).")
@transactions.command
def create_period_command(code, name, start, end, so_ket, tong_ket) -> None:
    """Create a competition period with its sơ kết and tổng kết dates."""
    actor = Actor.cli()
    period = _core(lambda: create_period(actor, code=code, name=name, start=start, end=end))
    for kind, when, label in (("so_ket", so_ket, "Sơ kết"), ("tong_ket", tong_ket, "Tổng kết")):
        if when is not None:
            if not start <= when <= end:
                raise click.ClickException(f"--{kind.replace('_', '-')} must fall within the period")
            _core(lambda k=kind, w=when, lb=label: add_milestone(actor, period, kind=k, name=lb, due=w))
    click.echo(f"period {period.code}: {start} – {end}")


def _import(function, file: str, what: str) -> None:
    click.echo(f"{what}: {run_import(function, file)} recorded")


@click.command("import-assessments")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@transactions.command
def import_assessments_command(file: str) -> None:
    """Record figures of items 1-3 the office received (columns period,unit,item,value,note), as reviewed."""
    _import(inputs.import_assessments, file, "figures")


@click.command("import-dossiers")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@transactions.command
def import_dossiers_command(file: str) -> None:
    """Record dossier counts from the one-stop-shop system (columns unit,period,on_time,late) for item 3."""
    _import(inputs.import_dossiers, file, "units")


@click.command("freeze-review")
@with_appcontext
@click.argument("period_code")
@click.option("--stage", type=STAGE, required=True)
@transactions.command
def freeze_review_command(period_code: str, stage: str) -> None:
    """Store the sheet of a sơ kết or tổng kết as it stands."""
    review = _core(reviews.freeze, Actor.cli(), _period(period_code), stage)
    click.echo(f"{period_code} {stage} frozen at {review.frozen_at.isoformat()}: {len(review.sheet)} units")


@click.command("verify-review")
@with_appcontext
@click.argument("period_code")
@click.option("--stage", type=STAGE, required=True)
def verify_review_command(period_code: str, stage: str) -> None:
    """Recompute a frozen review from the raw data: exit 0 when every figure matches, 1 otherwise."""
    differences = reviews.verify(_review(period_code, stage))
    if not differences:
        click.echo(f"{period_code} {stage}: every figure reproduces from the raw data")
        return
    for line in differences:
        click.echo(line)
    click.echo(f"{period_code} {stage}: {len(differences)} difference(s)", err=True)
    raise SystemExit(1)


@click.command("publish-review")
@with_appcontext
@click.argument("period_code")
@click.option("--stage", type=STAGE, required=True)
@click.option("--unpublish", is_flag=True, help="Take it off the public page.")
@transactions.command
def publish_review_command(period_code: str, stage: str, unpublish: bool) -> None:
    """Show a frozen review on the public page /cong-khai (or take it off)."""
    reviews.set_published(Actor.cli(), _review(period_code, stage), not unpublish)
    click.echo(f"{period_code} {stage}: {'unpublished' if unpublish else 'published on /cong-khai'}")


COMMANDS = (
    create_period_command,
    import_assessments_command,
    import_dossiers_command,
    freeze_review_command,
    verify_review_command,
    publish_review_command,
)
