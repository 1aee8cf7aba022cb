"""The report queries read a month of figures through an index, never every stored answer.

PostgreSQL only: SQLite's planner says nothing about what a national database would do. A year of
answers (about 120,000, with their scores and reasons) is loaded in three INSERT … SELECT
statements, counted into the rollups by `rebuild` and ANALYZEd; each report function runs over one
month of that year while an engine listener records the SQL it sends; every recorded statement is
then EXPLAINed with its own parameters.

- Every figure (satisfaction by unit and point, criteria, reasons, heat map, trends, channels, the
  live competition sheet, the version caches key on) reads only the rollups and small tables,
  never `responses`, `answers` or `response_reasons`, and each rollup through its primary key
  (which starts with the local day or month): the month's counters for the figures of the month,
  the weekly ones for whole weeks, the daily ones for the days around them and the heat map.
- The listings of single answers (comments, the raw answers of an export) and a frozen review's
  "as received by" figures read the raw answers: `responses` through the answered_at or
  (point_id, answered_at) index, and for a unit `answers` and `response_reasons` through their
  response-id indexes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.ratings import rollups
from tests.conftest import EXTERNAL

pytestmark = pytest.mark.skipif(
    not EXTERNAL,
    reason="reads PostgreSQL's EXPLAIN plans: runs in the PostgreSQL pass (SUITE_DATABASE=external)",
)

RESPONSES = 120_000
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
MONTH = (date(2025, 6, 1), date(2025, 6, 30))
DAYS = (date(2025, 6, 10), date(2025, 7, 9))  # no whole month: the daily counters
# The tables that grow with every answer, and the indexes a month's range or a scope may use.
RAW_TABLES = {
    "responses": {"ix_responses_answered_at", "ix_responses_point_answered"},
    "answers": {"uq_answers_response_criterion"},
    "response_reasons": {"pk_response_reasons"},
}
ROLLUP_TABLES = {
    f"rollup_{name}": {f"pk_rollup_{name}"}
    for name in (
        *("responses", "answers", "hours", "reasons"),
        *("month_responses", "month_answers", "month_reasons", "week_responses", "week_answers"),
    )
}
EXPECTED = {**RAW_TABLES, **ROLLUP_TABLES}
INDEX_SCANS = {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


def _load_year() -> None:
    """A year of answers spread evenly over every demo point, in working hours local time."""
    statements = (
        # Answers every 109 working seconds, a year in all, pushed into 7:00-17:00 local (00:00-10:00 UTC).
        """
        INSERT INTO responses (id, point_id, survey_id, channel, answered_at, received_at, flag, comment, body_hash)
        SELECT md5('r' || i)::uuid,
               p.ids[1 + i % cardinality(p.ids)],
               s.id,
               (ARRAY['kiosk', 'qr', 'visit'])[1 + i % 3],
               at, at,
               CASE WHEN i % 97 = 0 THEN 'misuse' END,
               CASE WHEN i % 11 = 0 THEN 'Phải chờ hơi lâu.' END,
               md5('b' || i)
        FROM generate_series(1, :count) AS i,
             LATERAL (SELECT CAST(:start AS TIMESTAMPTZ)
                             + (i * 109)::int / 36000 * INTERVAL '1 day'
                             + (i * 109) % 36000 * INTERVAL '1 second' AS at) AS t,
             (SELECT array_agg(id ORDER BY id) AS ids FROM points) AS p,
             (SELECT id FROM surveys WHERE active) AS s
        """,
        """
        INSERT INTO answers (response_id, criterion_id, score)
        SELECT r.id, c.id, 1 + abs(hashtext(r.id::text || c.id)) % 5
        FROM responses AS r JOIN criteria AS c ON c.survey_id = r.survey_id
        """,
        """
        INSERT INTO response_reasons (response_id, reason_id)
        SELECT a.response_id, (SELECT min(id) FROM reasons WHERE survey_id = c.survey_id)
        FROM answers AS a JOIN criteria AS c ON c.id = a.criterion_id
        WHERE c.code = 'overall' AND a.score <= 2
        """,
    )
    for statement in statements:
        db.session.execute(sa.text(statement), {"count": RESPONSES, "start": YEAR_START})
    rollups.rebuild()
    db.session.commit()
    tables = ", ".join([*EXPECTED, "points", "criteria", "point_versions"])
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(f"VACUUM ANALYZE {tables}"))


@contextmanager
def _recorded() -> Iterator[list[tuple[str, object]]]:
    statements: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def _plan(statement: str, parameters) -> dict:
    # The driver-level statement and parameters exactly as the report sent them.
    cursor = db.session.connection().connection.cursor()
    cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
    document = cursor.fetchone()[0]
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _index_of(node: dict) -> str | None:
    if node["Node Type"] == "Bitmap Heap Scan":
        names = sorted({n.get("Index Name") or "?" for n in _nodes(node) if n["Node Type"] == "Bitmap Index Scan"})
        return ",".join(names)
    return node.get("Index Name")


@dataclass(frozen=True)
class Scan:
    report: str
    scope: str
    table: str
    node: str
    index: str | None
    statement: str

    @property
    def indexed(self) -> bool:
        return self.node in INDEX_SCANS and self.index in EXPECTED[self.table]

    def describe(self) -> str:
        return (
            f"{self.report} [{self.scope}]: {self.node} on {self.table} (index {self.index}; expected an index scan "
            f"on one of {sorted(EXPECTED[self.table])}) in\n{self.statement}"
        )


def _reports(unit_id: int) -> Iterator[tuple[str, str, Callable[[], object]]]:
    from core.reporting import queries

    for scope_name, scope, (first, last) in (
        (f"{where}, {span}", scope, dates)
        for where, scope in (("province", None), ("unit", {unit_id}))
        for span, dates in (("a whole month", MONTH), ("days", DAYS))
    ):
        yield from (
            (name, scope_name, functools.partial(function, first, last, scope, **kwargs))
            for name, function, kwargs in (
                ("satisfaction_by_unit", queries.satisfaction_by_unit, {}),
                ("satisfaction_by_point", queries.satisfaction_by_point, {}),
                ("criteria_summary", queries.criteria_summary, {}),
                ("reason_counts", queries.reason_counts, {}),
                ("heatmap", queries.heatmap, {}),
                ("weekly_trend", queries.weekly_trend, {}),
                ("weekly_trend_by_unit", queries.weekly_trend_by_unit, {}),
                ("channel_figures", queries.channel_figures, {}),
                ("comments", queries.comments, {"score": 2}),
                ("raw_answers", queries.raw_answers, {}),
            )
        )
        yield "answers_version", scope_name, functools.partial(queries.answers_version, scope)
    # The competition sheet's only read of the answers (core.competition.sheet.read_sources): live,
    # and as a frozen review received them.
    first, last = MONTH
    yield "figures_by_unit (competition sheet)", "province", functools.partial(queries.figures_by_unit, first, last)
    as_of = datetime(2025, 12, 31, tzinfo=UTC)
    yield (
        "figures_by_unit (frozen review)",
        "province",
        functools.partial(queries.figures_by_unit, first, last, as_of),
    )


def _scans(app) -> list[Scan]:
    """Every plan node reading an answers table, for every statement every report sends."""
    from core.models import Point, Unit

    scans: list[Scan] = []
    with app.app_context():
        _load_year()
        unit_id = db.session.scalar(sa.select(Unit.id).join(Point).order_by(Unit.code).limit(1))
        for report, scope, call in _reports(unit_id):
            with _recorded() as statements:
                call()
            assert statements, f"{report} [{scope}] sent no SQL"
            for statement, parameters in statements:
                for node in _nodes(_plan(statement, parameters)):
                    if node.get("Relation Name") in EXPECTED:
                        scans.append(
                            Scan(report, scope, node["Relation Name"], node["Node Type"], _index_of(node), statement)
                        )
    return scans


# The listings of single answers and the frozen review's figures: what may read the raw answers.
RAW_READERS = {"comments", "raw_answers", "figures_by_unit (frozen review)"}


def test_report_figures_read_a_month_of_rollups_through_their_keys(demo):
    """Every figure reads the rollups (never a raw answers table), each through its primary key;
    the listings and the frozen review reach the raw answers through their indexes."""
    scans = _scans(demo)
    figures = [scan for scan in scans if scan.report not in RAW_READERS]
    raw_in_figures = [scan.describe() for scan in figures if scan.table in RAW_TABLES]
    assert not raw_in_figures, "a figure read the raw answers:\n\n" + "\n\n".join(raw_in_figures)
    assert {scan.table for scan in figures} == set(ROLLUP_TABLES), "some rollup table was never read"
    assert {scan.report for scan in figures} >= {
        "satisfaction_by_unit",
        "heatmap",
        "figures_by_unit (competition sheet)",
    }

    listings = [
        scan
        for scan in scans
        if scan.report in RAW_READERS and (scan.table == "responses" or scan.scope.startswith("unit"))
    ]
    assert {scan.table for scan in listings} == set(RAW_TABLES), "some raw table was never read by a listing"
    failures = [scan.describe() for scan in figures + listings if not scan.indexed]
    assert not failures, "\n\n".join(failures)
