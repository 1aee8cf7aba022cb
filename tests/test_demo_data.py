"""The demo province tells the story: a current competition period that holds the sample answers,
spread over months, with its sơ kết frozen and published, units ranked and units with too few
answers, cases and self-assessments; `flask demo-data` builds it, fast and reproducibly."""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from core import demo
from core.competition.reviews import review_of, verify
from core.competition.sheet import live_sheet
from core.demo import add_sample_responses
from core.extensions import db
from core.models import AssessmentEntry, Case, CompetitionPeriod, Response
from core.timeutil import LOCAL_TZ, local_today
from tests.conftest import committing


@pytest.fixture
def province(app, runner):
    """`flask demo-data` as `make run` calls it."""
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return app, result.output


def current_period() -> CompetitionPeriod:
    today = local_today()
    periods = db.session.scalars(
        sa.select(CompetitionPeriod).where(CompetitionPeriod.start_date <= today, CompetitionPeriod.end_date >= today)
    ).all()
    assert len(periods) == 1, [p.code for p in periods]
    return periods[0]


def answers_between(first: date, last: date) -> int:
    start = datetime(first.year, first.month, first.day, tzinfo=LOCAL_TZ)
    end = datetime(last.year, last.month, last.day, tzinfo=LOCAL_TZ) + timedelta(days=1)
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Response)
        .where(Response.answered_at >= start, Response.answered_at < end)
    )


def test_the_current_period_holds_the_answers_and_a_published_so_ket(province):
    app, output = province
    with app.app_context():
        period = current_period()
        today = local_today()
        assert period.start_date == date((today - timedelta(days=60)).year, 1, 1)
        assert period.end_date == date(today.year, 12, 31)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
        inside = answers_between(period.start_date, period.end_date)
        # Every answer falls in the period, spread over its months, not only over the last weeks.
        assert inside == total > 5000
        months = {
            (at.year, at.month)
            for at in db.session.scalars(sa.select(Response.answered_at).where(Response.body_hash == "demo"))
        }
        assert len(months) >= min(6, (today - period.start_date).days // 31 + 1)
        assert f"sample responses added: {total - 12}" in output  # 12 come from the sample cases and alert

        # The sơ kết is behind: due before today, frozen, published, reproducible, holding answers.
        [so_ket] = [m for m in period.milestones if m.kind == "so_ket"]
        assert period.start_date < so_ket.due_date < today
        review = review_of(period, "so_ket")
        assert review is not None and review.published_at is not None and verify(review) == []
        assert (review.first, review.last) == (period.start_date, so_ket.due_date)
        assert 0 < answers_between(review.first, review.last) < total
        assert any(m.kind == "tong_ket" and m.due_date == period.end_date for m in period.milestones)


def test_units_with_enough_and_with_too_few_answers(province):
    app, _ = province
    with app.app_context():
        period = current_period()
        min_sample = app.config["MIN_SAMPLE"]
        for rows in (live_sheet(period), review_of(period, "so_ket").sheet):
            rows = [row if isinstance(row, dict) else row.as_dict() for row in rows]
            ranked = [row for row in rows if row["ranked"]]
            too_few = [row for row in rows if not row["ranked"]]
            assert len(ranked) >= 20 and all(row["responses"] >= min_sample for row in ranked)
            assert {row["unit"] for row in too_few} >= {"H-NAMGIANG", "H-NAMTRAMY", "H-TAYGIANG", "H-BACTRAMY"}
            assert all(0 < row["responses"] < min_sample for row in too_few if row["unit"].startswith("H-"))
        # Units assessed themselves, the office reviewed half; cases are there, one still open.
        kinds = dict(
            db.session.execute(
                sa.select(AssessmentEntry.kind, sa.func.count())
                .where(AssessmentEntry.period_id == period.id)
                .group_by(AssessmentEntry.kind)
            ).all()
        )
        assert kinds["self"] == 39 * 3 and 0 < kinds["review"] < kinds["self"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) >= 7


def test_the_screens_of_the_period_are_full(province, client, auth):
    app, _ = province
    with app.app_context():
        period = current_period()
        code, first, last = period.code, period.start_date, period.end_date
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    auth.login()
    units = client.get(f"/admin/reports/units?period={code}")
    assert units.status_code == 200
    html = units.get_data(as_text=True)
    assert "Thanh tra thành phố Hội An" in html and html.count("chưa đủ mẫu") >= 4
    api = client.get(f"/api/v1/reports/satisfaction?from={first}&to={last}")
    assert api.status_code == 200
    rows = {row["unit"]: row for row in api.get_json()}
    # Every answer of the province counts in the period, counted or flagged.
    assert len(rows) == 39 and sum(row["responses"] + row["flagged"] for row in rows.values()) == total
    assert sum(row["ranked"] for row in rows.values()) >= 20 and not rows["H-NAMGIANG"]["ranked"]
    sheet = client.get(f"/admin/competition/{code}")
    assert sheet.status_code == 200
    assert sheet.get_data(as_text=True).count("<tr") > 39


def test_the_demo_is_reproducible_with_its_seed(demo):
    """Same seed, same window: the same answers (ids, points, moments, scores)."""

    def draw() -> list:
        with demo.app_context():
            added = add_sample_responses(days=200, seed=11)
            rows = db.session.execute(
                sa.select(Response.id, Response.point_id, Response.answered_at, Response.channel).order_by(Response.id)
            ).all()
            db.session.rollback()
            return [added, *rows]

    first, second = draw(), draw()
    assert first == second and first[0] > 1000


def test_bulk_responses_spread_over_the_current_period(app, runner):
    result = runner.invoke(args=["demo-data", "--responses", "3000"])
    assert result.exit_code == 0, result.output
    assert "bulk responses added: 3000" in result.output
    with app.app_context():
        period = current_period()
        assert answers_between(period.start_date, period.end_date) == db.session.scalar(
            sa.select(sa.func.count()).select_from(Response)
        )
        assert answers_between(period.start_date, period.start_date + timedelta(days=45)) > 0


def test_the_demo_stays_fast(app):
    """Loading the whole province with its answers and its frozen sơ kết takes seconds."""
    started = time.perf_counter()
    with committing(app):
        demo.load_demo()
    assert time.perf_counter() - started < 20


def test_bulk_rows_are_stored_as_the_orm_stores_them_and_counted_in_the_rollups(demo, monkeypatch):
    """The fast loader writes driver-ready values (COPY on PostgreSQL): they read back as the ORM's
    own (version 4 UUIDs, aware UTC times in working hours), sorted ids carry no hint of their point,
    the responses' indexes are dropped and rebuilt around a large load, and the rollups equal the
    raw answers afterwards."""
    from core.ratings import rollups

    # A "large" load at test size: the indexes are dropped and built again after it.
    monkeypatch.setattr("core.demo.REBUILD_INDEXES_FROM", 1000)
    monkeypatch.setattr("core.demo.BATCH_ROWS", 700)  # several batches, each in its slice of the ids

    def checks() -> tuple[list, list]:
        inspector = sa.inspect(db.session.connection())
        indexes = sorted(ix["name"] for ix in inspector.get_indexes("responses"))
        keys = sorted(
            (table, key["name"], key["options"].get("ondelete"))
            for table in ("responses", "answers", "response_reasons")
            for key in inspector.get_foreign_keys(table)
        )
        return indexes, keys

    with demo.app_context():
        before = checks()
        now = datetime(2026, 3, 13, 10, 30, tzinfo=LOCAL_TZ)  # a Friday morning
        added = add_sample_responses(count=3000, days=20, seed=3, now=now)
        assert added == 3000
        # The indexes (and PostgreSQL's foreign keys) set aside for the load are all back.
        assert checks() == before and "ix_responses_answered_at" in before[0]
        assert ("answers", "fk_answers_response_id_responses", "CASCADE") in before[1]
        rows = db.session.execute(
            sa.select(Response.id, Response.point_id, Response.answered_at, Response.received_at).order_by(Response.id)
        ).all()
        assert len(rows) == 3000 and len({row.id for row in rows}) == 3000
        assert all(row.id.version == 4 and row.id.variant == uuid.RFC_4122 for row in rows)
        first_day = now.date() - timedelta(days=19)
        for row in rows:
            local = row.answered_at.astimezone(LOCAL_TZ)
            assert row.answered_at.tzinfo is not None and row.received_at == row.answered_at
            assert local.weekday() < 5 and 7 <= local.hour < 17 and first_day <= local.date() <= now.date()
            assert row.answered_at <= now
        # In id order the points are shuffled, not in runs of one point.
        changes = sum(a.point_id != b.point_id for a, b in itertools.pairwise(rows))
        assert changes > 2500
        assert set(rollups.differences(first_day, now.date()).values()) == {0}
        db.session.rollback()
