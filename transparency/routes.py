"""The transparency page: `/cong-khai` (the newest published review, and the live index when the
office switches it on), `/cong-khai/<period>/<stage>` (any other published review), its chart as
SVG, and `/cong-khai/tv` for the screen in the reception hall.

Nothing of the competition shows before the office publishes a frozen review, and a frozen review
is shown exactly as it was stored: later answers never move its figures. Every answer carries an
ETag computed from what the page is made of (the published reviews, the live switch and, when it
is on, the answers' version), so a browser or the hall's screen asking again every minute gets a
304 without the page being built.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, make_response, render_template, request, url_for

from core.competition.publicity import live_index_shown, published_reviews
from core.extensions import db, select_locale
from core.models import STAGES, CompetitionGroup, FrozenReview, Unit
from core.reporting.queries import answers_version, default_range, satisfaction_by_unit
from core.timeutil import local_today
from transparency import bp, chart
from transparency.results import (
    cutoffs,
    day_text,
    leaders,
    live_groups,
    moment_text,
    review_groups,
    stage_label,
)

# The files the pages are built from: a deployment that changes one changes every ETag.
SOURCES = ("templates/base.html", "templates/public", "static/css/base.css", "static/public", "translations")
MAX_AGE = 60
TV_TOP = 5
TV_VIEWS = ("results", "live")


@bp.get("/cong-khai")
def index():
    reviews = published_reviews()
    live = live_index_shown()
    return _cached(
        _etag(reviews, live),
        lambda: render_template(
            "public/index.html",
            review=_review_view(reviews[0]) if reviews else None,
            others=[_link(r) for r in reviews[1:]],
            live=_live_view() if live else None,
        ),
    )


@bp.get("/cong-khai/<period>/<stage>")
def review(period: str, stage: str):
    reviews = published_reviews()
    chosen = _find(reviews, period, stage)
    return _cached(
        _etag(reviews, False),
        lambda: render_template(
            "public/index.html",
            review=_review_view(chosen),
            others=[_link(r) for r in reviews if r.id != chosen.id],
            live=None,
        ),
    )


@bp.get("/cong-khai/chart/<period>/<stage>.svg")
def review_chart(period: str, stage: str):
    reviews = published_reviews()
    chosen = _find(reviews, period, stage)

    def draw() -> str:
        groups = review_groups(chosen)
        charts, height = chart.stacked(groups, cutoffs(chosen))
        return render_template(
            "public/chart.svg",
            charts=charts,
            height=height,
            title=f"{stage_label(chosen.stage)} – {chosen.period.name}",
        )

    response = _cached(_etag(reviews, False), draw)
    response.mimetype = "image/svg+xml"
    return response


@bp.get("/cong-khai/tv")
def tv():
    reviews = published_reviews()
    live = live_index_shown()
    views = [v for v, shown in zip(TV_VIEWS, (bool(reviews), live), strict=True) if shown]
    view = request.args.get("view") if request.args.get("view") in views else (views[0] if views else None)
    # Without JavaScript the screen turns its own pages: each refresh asks for the next one.
    following = views[(views.index(view) + 1) % len(views)] if len(views) > 1 else None
    return _cached(
        _etag(reviews, live, view),
        lambda: render_template(
            "public/tv.html",
            view=view,
            review=_review_view(reviews[0], top=TV_TOP) if view == "results" else None,
            live=_live_view(top=TV_TOP) if view == "live" else None,
            refresh=f"{MAX_AGE}; url={url_for('public.tv', view=following)}" if following else str(MAX_AGE),
        ),
    )


# ---------- what the pages are made of ----------


def _find(reviews: list[FrozenReview], period: str, stage: str) -> FrozenReview:
    if stage not in STAGES:
        abort(404)
    for row in reviews:
        if row.period.code == period and row.stage == stage:
            return row
    abort(404)


def _link(review: FrozenReview) -> dict:
    return {
        "url": url_for("public.review", period=review.period.code, stage=review.stage),
        "label": f"{stage_label(review.stage)} – {review.period.name}",
    }


def _review_view(review: FrozenReview, top: int | None = None) -> dict:
    groups = review_groups(review) if top is None else leaders(review_groups(review), top)
    cut_offs = cutoffs(review)
    return {
        "period": review.period.name,
        "stage": stage_label(review.stage),
        "first": day_text(review.first),
        "last": day_text(review.last),
        "frozen": moment_text(review.frozen_at),
        "published": moment_text(review.published_at),
        "min_sample": review.config.get("min_sample"),
        "cutoffs": cut_offs,
        "groups": groups,
        "charts": chart.charts(groups, cut_offs) if top is None else [],
        "chart_url": url_for(
            "public.review_chart",
            period=review.period.code,
            stage=review.stage,
            lang="en" if select_locale() == "en" else None,
        ),
    }


def _live_view(top: int | None = None) -> dict:
    first, last = default_range()
    min_sample = int(current_app.config["MIN_SAMPLE"])
    groups = live_groups(satisfaction_by_unit(first, last, None, min_sample))
    if top is not None:
        groups = leaders(groups, top)
    return {"first": day_text(first), "last": day_text(last), "min_sample": min_sample, "groups": groups}


# ---------- caching ----------


def _etag(reviews: list[FrozenReview], live: bool, *extra) -> str:
    """A digest of everything the answer is built from: the templates, styles and translations, the
    address and the language, and the data. A frozen review never changes, so its id
    and publication stand for its figures; the period's name may be edited, so it counts too. The
    live index depends on the answers (their version), the day (its 30-day window), the minimum
    sample and the units' names and groups."""
    parts: list = [_sources_digest(current_app.root_path), request.path, select_locale(), *extra]
    parts.append([(r.id, r.stage, r.published_at.isoformat(), r.period.code, r.period.name) for r in reviews])
    parts.append(live)
    if live:
        parts.append(answers_version())
        parts.append((local_today().isoformat(), current_app.config["MIN_SAMPLE"]))
        units = sa.select(Unit.id, Unit.name, Unit.group_id).order_by(Unit.id)
        groups = sa.select(CompetitionGroup.code, CompetitionGroup.name).order_by(CompetitionGroup.code)
        parts.extend([db.session.execute(units).all(), db.session.execute(groups).all()])
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@functools.cache
def _sources_digest(root: str) -> str:
    hasher = hashlib.sha256()
    for source in SOURCES:
        path = Path(root, source)
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                hasher.update(file.name.encode() + file.read_bytes())
    return hasher.hexdigest()


def _cached(etag: str, render: Callable[[], str]):
    """304 when the client holds this ETag already; the page, built only then, otherwise."""
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # The language may come from the `lang` cookie.
    response.vary.add("Cookie")
    return response
