"""The competition's score sheet worked out by hand for a small province, figure by figure; ties,
classes and the minimum sample; groups kept per period; frozen reviews that later data never
changes, verified by recomputation and failing verification when raw data is deleted behind the
service's back; evidence uploads that refuse wrong types, oversized files and path-like names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.competition import inputs, reviews
from core.competition.settings import set_settings, settings_of
from core.competition.sheet import compute, live_config, live_sheet
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.models import Answer, Case, CaseEvent, CompetitionPeriod, DossierCount, Point, Response, Unit
from core.org.periods import add_milestone, create_period
from core.org.units import update_unit
from core.timeutil import LOCAL_TZ, utcnow
from tests import factories as f
from tests.conftest import committing

CLI = Actor.cli()
DAY = f.local(2026, 3, 5)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=LOCAL_TZ).astimezone(UTC)


def answered_case(unit, received: int, due: int, answered: int) -> None:
    case = Case(
        unit_id=unit.id,
        source="manual",
        channel="phone",
        status="answered",
        received_at=at(received),
        due=date(2026, 3, due),
        answered_at=at(answered),
        answered_on_time=answered <= due,
        created_at=at(received),
        answer="Đã trả lời",
    )
    case.events = [
        CaseEvent(from_status=None, to_status="new", at=at(received)),
        CaseEvent(from_status="new", to_status="answered", at=at(answered)),
    ]
    db.session.add(case)


@pytest.fixture
def province(make_app):
    """Groups g1 (A, B, C) and g2 (D), E without a group; period P = March 2026."""
    app = make_app(MIN_SAMPLE=3)
    with committing(app):
        g1, g2 = f.group("g1"), f.group("g2")
        units = {code: f.unit(code, g) for code, g in (("A", g1), ("B", g1), ("C", g1), ("D", g2), ("E", None))}
        points = {code: f.point(unit) for code, unit in units.items()}
        period = create_period(CLI, code="P", name="Tháng 3", start=date(2026, 3, 1), end=date(2026, 3, 31))
        add_milestone(CLI, period, kind="so_ket", name="Sơ kết", due=date(2026, 3, 15))
        # A: overall 5 5 4 2 → 75; welcome 5 4 → 100; guidance 5 → 100; office 4 2 → 50.
        f.stored_response(points["A"], DAY, overall=5, welcome=5, guidance=5, office=4)
        f.stored_response(points["A"], DAY, overall=5, welcome=4, office=2)
        f.stored_response(points["A"], DAY, overall=4)
        f.stored_response(points["A"], DAY, overall=2)
        f.stored_response(points["A"], DAY, flag="misuse", overall=1, office=1)  # left out
        f.stored_response(points["A"], f.local(2026, 4, 1), overall=1)  # after the period
        # B: overall 5 5 5 → 100. C: overall 5 4 1 → 66.67, office 5 5 5 → 100.
        for _ in range(3):
            f.stored_response(points["B"], DAY, overall=5)
        for overall in (5, 4, 1):
            f.stored_response(points["C"], DAY, overall=overall, office=5)
        # D: 2 answers, under the minimum sample of 3. E: 3 answers, no group.
        for _ in range(2):
            f.stored_response(points["D"], DAY, overall=5)
        for _ in range(3):
            f.stored_response(points["E"], DAY, overall=4)
        # A's figures: item 1 self 90, reviewed 80; item 2 self 100; item 3 dossiers 18 on time, 2 late.
        inputs.self_assess(CLI, period, units["A"], 1, 90, "Báo cáo 12/BC")
        inputs.review(CLI, period, units["A"], 1, 80, "Thiếu minh chứng cổng thông tin")
        inputs.self_assess(CLI, period, units["A"], 2, 100)
        inputs.self_assess(CLI, period, units["A"], 3, 100)
        db.session.add(DossierCount(period_id=period.id, unit_id=units["A"].id, on_time=18, late=2))
        # A's feedback: one answered on time, one late → 50 %.
        answered_case(units["A"], received=2, due=16, answered=10)
        answered_case(units["A"], received=3, due=17, answered=25)
        inputs.add_adjustment(CLI, period, units["A"], 10, "Cờ thi đua của UBND tỉnh")
        inputs.add_adjustment(CLI, period, units["A"], -2, "Chậm gửi báo cáo")
    return app


def sheet(app, **config) -> dict:
    with app.app_context():
        period = db.session.scalar(sa.select(CompetitionPeriod))
        if config:
            set_settings(CLI, period, {**settings_of(period), **config})
        return {row.unit: row.as_dict() for row in live_sheet(period)}


def test_the_sheet_worked_out_by_hand(province):
    rows = sheet(province)
    a = rows["A"]
    assert {k: (round(v["points"], 6), v["max"], v["source"]) for k, v in a["items"].items()} == {
        "1": (8.0, 10.0, "review"),
        "2": (10.0, 10.0, "self"),
        "3": (18.0, 20.0, "dossiers"),
        "4": (10.0, 20.0, "cases"),
        "5": (27.5, 30.0, "answers"),
        "6": (5.0, 10.0, "answers"),
    }
    assert a["items"]["5"]["value"] == pytest.approx(275 / 3)
    assert (a["items"]["1"]["value"], a["items"]["3"]["value"], a["items"]["4"]["value"]) == (80.0, 90.0, 50.0)
    assert (a["bonus"], a["penalty"], a["score"]) == (10.0, 2.0, pytest.approx(86.5))
    assert (a["responses"], a["index"], a["ranked"], a["rank"], a["class"]) == (4, 81.25, True, 1, "tot")
    b, c = rows["B"], rows["C"]
    assert b["items"]["6"] == {"points": 0.0, "max": 10.0, "value": None, "source": "no_answers"}
    assert b["items"]["4"] == {"points": 20.0, "max": 20.0, "value": None, "source": "no_case_due"}
    assert b["items"]["1"]["source"] == "none" and b["score"] == pytest.approx(50)
    assert c["items"]["5"]["points"] == pytest.approx(20) and c["items"]["6"]["points"] == pytest.approx(10)
    # A tie (50 and 50.000000000000004) shares the rank; 50 is Trung bình, the cut-off included.
    assert (b["rank"], c["rank"], b["class"], c["class"]) == (2, 2, "trung_binh", "trung_binh")
    # Tiny samples: neither B nor C differs significantly from the unit ranked above it.
    assert b["close_to_previous"] and c["close_to_previous"]
    d, e = rows["D"], rows["E"]
    assert (d["responses"], d["ranked"], d["rank"], d["class"]) == (2, False, None, None)
    assert d["score"] == pytest.approx(50)
    assert (e["group"], e["ranked"], e["rank"], e["class"]) == (None, True, None, "trung_binh")


def test_the_period_may_use_thong_tu_01_2018_steps_and_its_own_classes(province):
    classes = [{"code": "a", "label": "A", "min": 86.5}, {"code": "b", "label": "B", "min": None}]
    rows = sheet(province, item4="tt01_2018", classes=classes)
    assert rows["A"]["items"]["4"]["points"] == 0.0  # 50 % is under 90 %
    assert rows["A"]["score"] == pytest.approx(76.5) and rows["A"]["class"] == "b"
    rows = sheet(province, item4="linear", points={"1": 0, "2": 0, "3": 0, "4": 20, "5": 70, "6": 10})
    assert rows["A"]["score"] == pytest.approx(10 + 70 * 275 / 300 + 5 + 8)


@pytest.mark.parametrize(
    "config",
    [
        {"item4": "steps"},
        {"points": {"1": 10}},
        {"classes": [{"code": "x", "label": "X", "min": 50}]},
        {
            "classes": [
                {"code": "x", "label": "X", "min": 50},
                {"code": "y", "label": "Y", "min": 60},
                {"code": "z", "label": "Z", "min": None},
            ]
        },
    ],
)
def test_a_bad_score_sheet_is_refused(province, config):
    with province.app_context():
        period = db.session.scalar(sa.select(CompetitionPeriod))
        with pytest.raises(ValidationFailed):
            set_settings(CLI, period, config)


def test_the_api_answers_the_sheet_cut_to_the_scope(province, client):
    from core.models import User
    from core.org.accounts import create_api_token

    with committing(province):
        manager = User(
            username="a-lead",
            role="unit_manager",
            unit=db.session.scalar(sa.select(Unit).where(Unit.code == "A")),
            password_hash="x",
        )
        office = User(username="office", role="province_admin", password_hash="x")
        db.session.add_all([manager, office])
        db.session.flush()
        tokens = {u.username: create_api_token(CLI, u, "t")[1] for u in (manager, office)}
    client = province.test_client()
    everything = client.get(
        "/api/v1/reports/competition?period=P", headers={"Authorization": f"Bearer {tokens['office']}"}
    ).get_json()
    assert {row["unit"] for row in everything} == {"A", "B", "C", "D", "E"}
    keys = {"unit", "name", "group", "items", "bonus", "penalty", "score", "ranked", "rank", "class"}
    assert all(keys <= set(row) for row in everything)
    mine = client.get(
        "/api/v1/reports/competition?period=P", headers={"Authorization": f"Bearer {tokens['a-lead']}"}
    ).get_json()
    assert [row["unit"] for row in mine] == ["A"] and mine[0]["rank"] == 1
    headers = {"Authorization": f"Bearer {tokens['office']}"}
    assert client.get("/api/v1/reports/competition?period=P&stage=so_ket", headers=headers).status_code == 404
    assert client.get("/api/v1/reports/competition?period=NOPE", headers=headers).status_code == 404
    assert client.get("/api/v1/reports/competition?period=P&stage=final", headers=headers).status_code == 422
    assert client.get("/api/v1/reports/competition", headers=headers).status_code == 422


def test_groups_are_kept_per_period(province):
    with committing(province):
        b = db.session.scalar(sa.select(Unit).where(Unit.code == "B"))
        update_unit(CLI, b, name=b.name, kind=b.kind, parent_code=None, group_code="g2")
        running = create_period(CLI, code="NOW", name="Đang chạy", start=date(2026, 1, 1), end=date(2099, 12, 31))
        running_id = running.id
    rows = sheet(province)  # March 2026 is over: B stays in g1 there
    assert (rows["B"]["group"], rows["B"]["rank"]) == ("g1", 2)
    with committing(province):
        c = db.session.scalar(sa.select(Unit).where(Unit.code == "C"))
        update_unit(CLI, c, name=c.name, kind=c.kind, parent_code=None, group_code="g2")
        now_rows = {r.unit: r for r in compute(running_id, live_config(db.session.get(CompetitionPeriod, running_id)))}
    # A period still running follows a move made after it began.
    assert now_rows["C"].group == "g2" and now_rows["B"].group == "g2"


# ---------- frozen reviews ----------


def test_a_frozen_review_ignores_later_data_and_verifies(province):
    runner = province.test_cli_runner()
    frozen = runner.invoke(args=["freeze-review", "P", "--stage", "so_ket"])
    assert frozen.exit_code == 0, frozen.output
    api_before = sheet(province)
    with committing(province):
        period = db.session.scalar(sa.select(CompetitionPeriod))
        review = reviews.review_of(period, "so_ket")
        stored = {row["unit"]: row for row in review.sheet}
        # Later: an answer queued on a tablet arrives for 5 March, A's figure is reviewed again,
        # a bonus line is added.
        late = f.stored_response(db.session.scalar(sa.select(Point).join(Unit).where(Unit.code == "B")), DAY, overall=1)
        late.received_at = utcnow() + timedelta(seconds=1)
        a = db.session.scalar(sa.select(Unit).where(Unit.code == "A"))
        inputs.review(CLI, period, a, 2, 50, "Kiểm tra lại")
        inputs.add_adjustment(CLI, period, a, 3, "Bằng khen")
    with province.app_context():
        review = reviews.review_of(db.session.scalar(sa.select(CompetitionPeriod)), "so_ket")
        assert {row["unit"]: row["score"] for row in review.sheet} == {u: r["score"] for u, r in stored.items()}
        assert reviews.verify(review) == []
    assert sheet(province)["A"]["score"] == pytest.approx(api_before["A"]["score"] - 5 + 3)  # the live sheet moved on
    verified = runner.invoke(args=["verify-review", "P", "--stage", "so_ket"])
    assert verified.exit_code == 0 and "every figure reproduces" in verified.output
    # Behind the service's back: one of A's answers disappears from the database.
    with committing(province):
        victim = db.session.scalar(
            sa.select(Response.id)
            .join(Answer)
            .join(Point)
            .join(Unit)
            .where(Unit.code == "A", Response.flag.is_(None), Answer.score == 2)
        )
        db.session.execute(sa.delete(Answer).where(Answer.response_id == victim))
        db.session.execute(sa.delete(Response).where(Response.id == victim))
    broken = runner.invoke(args=["verify-review", "P", "--stage", "so_ket"])
    assert broken.exit_code == 1
    assert "data responses" in broken.output and "A responses: 4 → 3" in broken.output
    assert "A item 5 points" in broken.output


def test_a_stage_is_frozen_once_and_its_range_is_its_own(province):
    runner = province.test_cli_runner()
    assert runner.invoke(args=["freeze-review", "P", "--stage", "so_ket"]).exit_code == 0
    again = runner.invoke(args=["freeze-review", "P", "--stage", "so_ket"])
    assert again.exit_code == 1 and "already frozen" in again.output
    assert runner.invoke(args=["freeze-review", "P", "--stage", "tong_ket"]).exit_code == 0
    with province.app_context():
        period = db.session.scalar(sa.select(CompetitionPeriod))
        so_ket, tong_ket = reviews.review_of(period, "so_ket"), reviews.review_of(period, "tong_ket")
        assert (so_ket.first, so_ket.last) == (date(2026, 3, 1), date(2026, 3, 15))
        assert (tong_ket.first, tong_ket.last) == (date(2026, 3, 1), date(2026, 3, 31))
        # A's two answered cases were received on 2 and 3 March: in both ranges.
        assert {r["unit"]: r["items"]["4"]["value"] for r in so_ket.sheet}["A"] == 50.0


def test_publication_and_decisions(province):
    runner = province.test_cli_runner()
    assert runner.invoke(args=["publish-review", "P", "--stage", "tong_ket"]).exit_code == 1  # not frozen
    runner.invoke(args=["freeze-review", "P", "--stage", "so_ket"])
    runner.invoke(args=["freeze-review", "P", "--stage", "tong_ket"])
    assert "published" in runner.invoke(args=["publish-review", "P", "--stage", "tong_ket"]).output
    with committing(province):
        period = db.session.scalar(sa.select(CompetitionPeriod))
        tong_ket, so_ket = reviews.review_of(period, "tong_ket"), reviews.review_of(period, "so_ket")
        assert tong_ket.published_at is not None
        a = db.session.scalar(sa.select(Unit).where(Unit.code == "A"))
        reviews.decide(CLI, tong_ket, a, "award", "Dẫn đầu cụm")
        with pytest.raises(Conflict):
            reviews.decide(CLI, so_ket, a, "award", "x")
        with pytest.raises(ValidationFailed):
            reviews.decide(CLI, tong_ket, a, "award", "")
    runner.invoke(args=["publish-review", "P", "--stage", "tong_ket", "--unpublish"])
    with province.app_context():
        review = reviews.review_of(db.session.scalar(sa.select(CompetitionPeriod)), "tong_ket")
        assert review.published_at is None
        assert [(d.unit.code, d.decision, d.reason) for d in review.decisions] == [("A", "award", "Dẫn đầu cụm")]


# ---------- command line ----------


def test_create_period_with_its_milestones(app, runner):
    result = runner.invoke(
        args=[
            "create-period",
            "2025-2026",
            "--name",
            "Đợt 2025–2026",
            "--start",
            "2025-07-01",
            "--end",
            "2026-11-30",
            "--so-ket",
            "2026-02-27",
            "--tong-ket",
            "2026-11-20",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        period = db.session.scalar(sa.select(CompetitionPeriod))
        assert [(m.kind, m.due_date) for m in period.milestones] == [
            ("so_ket", date(2026, 2, 27)),
            ("tong_ket", date(2026, 11, 20)),
        ]
    bad = runner.invoke(args=["create-period", "X", "--name", "X", "--start", "2026-01-01", "--end", "2025-01-01"])
    assert bad.exit_code == 1 and "end_date" in bad.output
    outside = runner.invoke(
        args=[
            "create-period",
            "Y",
            "--name",
            "Y",
            "--start",
            "2026-01-01",
            "--end",
            "2026-06-30",
            "--so-ket",
            "2026-07-01",
        ]
    )
    assert outside.exit_code == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CompetitionPeriod)) == 1


def test_import_assessments_records_reviewed_figures_or_nothing(province, tmp_path):
    runner = province.test_cli_runner()
    good = tmp_path / "figures.csv"
    good.write_text("period,unit,item,value,note\nP,B,1,95,Báo cáo 3\nP,B,2,88.5,\n", encoding="utf-8")
    assert runner.invoke(args=["import-assessments", str(good)]).output.strip() == "figures: 2 recorded"
    rows = sheet(province)
    assert (rows["B"]["items"]["1"]["source"], rows["B"]["items"]["2"]["value"]) == ("review", 88.5)
    bad = tmp_path / "bad.csv"
    bad.write_text("period,unit,item,value,note\nP,B,4,50,\nQ,B,1,50,\nP,B,1,150,\nP,Z,1,abc,\n", encoding="utf-8")
    result = runner.invoke(args=["import-assessments", str(bad)])
    assert result.exit_code == 1
    for line in (
        "line 2: item must be",
        "line 3: unknown period 'Q'",
        "line 4: value must be",
        "line 5: unknown unit 'Z'",
    ):
        assert line in result.output
    assert sheet(province)["B"]["items"]["1"]["value"] == 95.0


# ---------- evidence files ----------


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("bao-cao.pdf", b"\x89PNG\r\n\x1a\n....", "a PDF, PNG or JPEG file"),
        ("bao-cao.exe", b"MZ....", "a PDF, PNG or JPEG file"),
        ("bao-cao.html", b"<script>alert(1)</script>", "a PDF, PNG or JPEG file"),
        ("../../secret_key.pdf", PDF, "a plain file name, not a path"),
        ("a/b.pdf", PDF, "a plain file name, not a path"),
        ("..\\b.pdf", PDF, "a plain file name, not a path"),
        (".htaccess.pdf", PDF, "a plain file name, not a path"),
        ("to.pdf", PDF + b"x" * 3000, "at most 0 MiB"),
        ("empty.pdf", b"", "a PDF, PNG or JPEG file"),
    ],
)
def test_evidence_refuses_wrong_types_oversized_files_and_path_like_names(make_app, name, data, why):
    app = make_app(EVIDENCE_MAX_BYTES=2048)
    with app.app_context():
        unit = f.unit("A")
        period = create_period(CLI, code="P", name="P", start=date(2026, 1, 1), end=date(2026, 12, 31))
        with pytest.raises(ValidationFailed) as raised:
            inputs.add_evidence(CLI, period, unit, 1, inputs.Upload(name, data))
        assert raised.value.fields["file"] == why
        folder = inputs.evidence_folder()
        assert not folder.exists() or list(folder.iterdir()) == []


def test_evidence_is_stored_by_a_generated_name_and_removed_when_the_request_fails(app, tmp_path):
    from core import transactions

    with app.app_context():
        unit = f.unit("A")
        period = create_period(CLI, code="P", name="P", start=date(2026, 1, 1), end=date(2026, 12, 31))
        row = inputs.add_evidence(CLI, period, unit, 2, inputs.Upload("Báo cáo công khai.pdf", PDF))
        path = inputs.evidence_path(row)
        assert path.read_bytes() == PDF and path.parent == inputs.evidence_folder()
        assert row.original_name == "Báo cáo công khai.pdf" and row.stored_name != row.original_name
        assert len(row.stored_name) == 36 and row.content_type == "application/pdf"
        transactions.abandon()  # the request failed after the upload: no orphan file
        assert not path.exists()


def test_criteria_carry_the_plan_item_they_measure_editable_with_the_survey(app_ctx):
    from core.competition.sheet import item_criteria
    from core.ratings.surveys import CriterionSpec, ReasonSpec, activate, active_survey, create_version

    assert item_criteria() == {"5": ["guidance", "overall", "welcome"], "6": ["office"]}
    base = active_survey()
    specs = [
        CriterionSpec("overall", "Dân về vui vẻ", "Hài lòng không?", True, "result", 5),
        CriterionSpec("office", "Công sở", "Nơi làm việc?", False, "access", 6),
        CriterionSpec("staff", "Cán bộ", "Cán bộ thân thiện?", False, "civil_servant", 6),
    ]
    survey = create_version(
        CLI, base, title="Rút gọn", levels=5, criteria=specs, reasons=[ReasonSpec("wait", "Chờ lâu")]
    )
    activate(CLI, survey)
    # The active version decides; codes it lacks keep the tagging of the version that had them.
    assert item_criteria() == {"5": ["guidance", "overall", "welcome"], "6": ["office", "staff"]}
    bad = [CriterionSpec("overall", "x", "y", True, None, 3)]
    with pytest.raises(ValidationFailed) as raised:
        create_version(CLI, base, title="x", levels=5, criteria=bad, reasons=[])
    assert "plan item" in raised.value.fields["criteria"]
