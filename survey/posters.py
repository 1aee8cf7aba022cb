"""Command line of the survey door: `qr-poster` prints posters, `visit-codes` mints one-time codes.

The drawing lives in `core.reporting.posters`, which the admin area's downloads use too.
"""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from core import transactions
from core.audit import Actor
from core.extensions import db
from core.links import visit_url
from core.models import Point, Unit
from core.ratings.visit_codes import create_visit_codes
from core.reporting.posters import FORMATS, poster_bytes, visit_slips_pdf
from survey import bp

MAX_VISIT_CODES = 10_000


def _point(code: str) -> Point:
    point = db.session.scalar(sa.select(Point).where(Point.code == code))
    if point is None:
        raise click.ClickException(f"no reception point with code {code!r}")
    if not point.active:
        raise click.ClickException(f"reception point {code!r} is inactive")
    return point


@bp.cli.command("qr-poster")
@click.argument("point_code", required=False)
@click.option("--all", "all_points", is_flag=True, help="One A4 page per active point (needs a .pdf file).")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.png, .svg or .pdf"
)
def qr_poster(point_code: str | None, all_points: bool, out: Path) -> None:
    """Write the QR poster of POINT_CODE (or of every point with --all) to FILE; the format follows its extension."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.UsageError("--out must end in .png, .svg or .pdf")
    if all_points == bool(point_code):
        raise click.UsageError("give either POINT_CODE or --all")
    if all_points:
        if fmt != "pdf":
            raise click.UsageError("--all writes one page per point: use a .pdf file")
        points = list(
            db.session.scalars(
                sa.select(Point).join(Unit).where(Point.active.is_(True)).order_by(Unit.code, Point.code)
            )
        )
        if not points:
            raise click.ClickException("no active reception point")
    else:
        points = [_point(point_code)]
    out.write_bytes(poster_bytes(points, fmt))
    click.echo(f"{out}: {len(points)} poster{'s' if len(points) > 1 else ''} ({fmt})")


@bp.cli.command("visit-codes")
@click.argument("point_code")
@click.option("--count", type=click.IntRange(1, MAX_VISIT_CODES), default=1, show_default=True)
@click.option(
    "--slips",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a PDF sheet of cut-out slips (QR and code) to this file.",
)
@transactions.command
def visit_codes(point_code: str, count: int, slips: Path | None) -> None:
    """Mint COUNT one-time survey codes for POINT_CODE and print one /v/... URL a line.

    Only their hashes are stored: this output is the one chance to print them.
    """
    point = _point(point_code)
    codes = create_visit_codes(Actor.cli(), point, count)
    for code in codes:
        click.echo(visit_url(code))
    if slips is not None:
        slips.write_bytes(visit_slips_pdf(point, codes))
        click.echo(f"{slips}: {count} slips", err=True)
