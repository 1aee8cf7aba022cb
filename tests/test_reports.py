"""The satisfaction report over a small dataset whose figures and ranks are worked out by hand."""

from datetime import date

import pytest

from core.extensions import db
from core.reporting.queries import default_range, satisfaction_by_unit
from tests import factories as f

FIRST, LAST = date(2026, 3, 1), date(2026, 3, 10)


@pytest.fixture
def dataset(app_ctx):
    g1, g2 = f.group("g1"), f.group("g2")
    units = {code: f.unit(code, g1) for code in ("A", "B", "C", "F")}
    units["D"] = f.unit("D", g2)
    units["E"] = f.unit("E", None)
    pts = {code: f.point(u) for code, u in units.items()}
    day = f.local(2026, 3, 5)
    # A: overall 5,4,2 -> 2/3; welcome 4,2 -> 1/2; one misuse tap left out.
    f.stored_response(pts["A"], day, overall=5, welcome=4)
    f.stored_response(pts["A"], day, overall=4, welcome=2)
    f.stored_response(pts["A"], day, overall=2)
    f.stored_response(pts["A"], day, flag="misuse", overall=1, welcome=1)
    # B: three 4s inside the local range, two 1s just outside it (local midnight edges).
    f.stored_response(pts["B"], f.local(2026, 3, 1, 6, 30), overall=4)  # 2026-02-28 23:30 UTC: inside
    f.stored_response(pts["B"], f.local(2026, 3, 5), overall=4)
    f.stored_response(pts["B"], f.local(2026, 3, 10, 23, 30), overall=4)
    f.stored_response(pts["B"], f.local(2026, 3, 11, 0, 30), overall=1)  # 2026-03-10 17:30 UTC: outside
    f.stored_response(pts["B"], f.local(2026, 2, 28, 23, 59), overall=1)  # outside
    # C: overall 5,5,5,1 -> 3/4; guidance 5,5 -> 2/2; a repeat vote and a clock-flagged one left out.
    f.stored_response(pts["C"], day, overall=5, guidance=5)
    f.stored_response(pts["C"], day, overall=5, guidance=5)
    f.stored_response(pts["C"], day, overall=5)
    f.stored_response(pts["C"], day, overall=1)
    f.stored_response(pts["C"], day, flag="repeat", overall=1)
    f.stored_response(pts["C"], day, flag="clock", overall=1)
    # F: four 5s -> 100 with more answers than B.
    for _ in range(4):
        f.stored_response(pts["F"], day, overall=5)
    # D: two 5s -> 100 but under the minimum sample of 3.
    f.stored_response(pts["D"], day, overall=5)
    f.stored_response(pts["D"], day, overall=5)
    # E: no competition group.
    for _ in range(3):
        f.stored_response(pts["E"], day, overall=3)
    db.session.commit()


def by_unit(rows):
    return {row.unit: row for row in rows}


def test_per_unit_figures_worked_by_hand(dataset):
    rows = by_unit(satisfaction_by_unit(FIRST, LAST, min_sample=3))
    a = rows["A"]
    assert (a.responses, a.flagged) == (3, 1)
    overall, welcome = a.criteria["overall"], a.criteria["welcome"]
    assert (overall.answers, overall.satisfied) == (3, 2)
    assert overall.index == pytest.approx(200 / 3)
    assert overall.mean == pytest.approx(11 / 3)
    # Wilson 95% for 2/3 worked by hand: centre 0.57309, half-width 0.36543.
    assert overall.ci95[0] == pytest.approx(20.765, abs=0.01)
    assert overall.ci95[1] == pytest.approx(93.852, abs=0.01)
    assert (welcome.answers, welcome.index, welcome.mean) == (2, 50.0, 3.0)
    assert list(a.criteria) == ["welcome", "overall"]  # the slogan's order: Dân vào niềm nở … Dân về vui vẻ
    assert a.index == pytest.approx((200 / 3 + 50) / 2)  # 58.333...

    assert (rows["B"].responses, rows["B"].flagged, rows["B"].index) == (3, 0, 100.0)
    c = rows["C"]
    assert (c.responses, c.flagged) == (4, 2)
    assert c.criteria["overall"].index == 75.0
    assert c.criteria["guidance"].index == 100.0
    assert c.index == 87.5
    assert c.criteria["overall"].mean == 4.0


def test_ranks_within_groups_and_minimum_sample(dataset):
    rows = by_unit(satisfaction_by_unit(FIRST, LAST, min_sample=3))
    assert {code: rows[code].rank for code in ("F", "B", "C", "A")} == {"F": 1, "B": 2, "C": 3, "A": 4}
    assert all(rows[code].ranked for code in ("F", "B", "C", "A"))
    assert rows["D"].ranked is False and rows["D"].rank is None and rows["D"].index == 100.0
    assert rows["E"].ranked is True and rows["E"].rank is None  # no group to be ranked in
    # With the default minimum of 30 nobody here is ranked.
    assert all(row.rank is None and not row.ranked for row in satisfaction_by_unit(FIRST, LAST))


def test_scope_and_units_without_answers(dataset):
    from core.models import Unit

    idle = f.unit("IDLE", None)
    db.session.commit()
    scope = {idle.id, db.session.scalar(Unit.__table__.select().where(Unit.code == "A").with_only_columns(Unit.id))}
    rows = by_unit(satisfaction_by_unit(FIRST, LAST, unit_ids=scope, min_sample=3))
    assert set(rows) == {"A", "IDLE"}
    assert (rows["IDLE"].responses, rows["IDLE"].index, rows["IDLE"].criteria) == (0, None, {})
    # Cut to a scope, A keeps its place among all of g1, not a rank of one among itself.
    assert rows["A"].rank == 4


def test_a_range_outside_the_data_is_empty(dataset):
    rows = satisfaction_by_unit(date(2025, 1, 1), date(2025, 1, 31), min_sample=1)
    assert all(row.responses == 0 and row.flagged == 0 and row.index is None for row in rows)


def test_default_range_is_last_30_local_days():
    assert default_range(date(2026, 11, 25)) == (date(2026, 10, 27), date(2026, 11, 25))


def test_criteria_carry_their_sipas_element_into_the_report_and_export(dataset):
    from core.reporting.exports import criteria_table
    from core.reporting.queries import criteria_summary

    rows = {row.code: row for row in criteria_summary(FIRST, LAST)}
    # The default survey maps its criteria to SIPAS elements (migration 0002).
    assert {code: row.element for code, row in rows.items()} == {
        "overall": "result",
        "welcome": "civil_servant",
        "guidance": "procedure",
    }
    table = criteria_table(list(rows.values()))
    assert table.headers[2] == "Yếu tố SIPAS"
    assert {r[0]: r[2] for r in table.rows} == {
        "overall": "Kết quả giải quyết",
        "welcome": "Công chức giải quyết",
        "guidance": "Thủ tục hành chính",
    }
    # Counted overall answers: A 5,4,2; B 4,4,4; C 5,5,5,1; F 5×4; D 5,5; E 3×3.
    assert rows["overall"].figures.answers == 19 and rows["overall"].figures.satisfied == 14
    assert rows["overall"].distribution == {1: 1, 2: 1, 3: 3, 4: 4, 5: 10}
