"""Demo data: the Quảng Nam units and groups, points, the competition period, accounts and
realistic sample answers. Bulk inserts through Core executemany: 100,000 responses in seconds.
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from core.audit import Actor
from core.cases.operations import ManualCase, Move, record_manual, transition
from core.competition.inputs import add_adjustment, review, self_assess
from core.competition.reviews import freeze, set_published
from core.extensions import db
from core.models import (
    ASSESSED_ITEMS,
    Answer,
    Case,
    DossierCount,
    FrozenReview,
    Point,
    Response,
    ResponseReason,
    Unit,
    User,
)
from core.org.accounts import create_user
from core.org.imports import import_groups, import_units
from core.org.periods import add_milestone, create_period, period_by_code
from core.org.points import create_point, point_by_code
from core.org.units import unit_by_code
from core.ratings.privacy import consent_text
from core.ratings.responses import record_response
from core.ratings.surveys import active_survey
from core.timeutil import LOCAL_TZ, local_today, utcnow

DATA = Path(__file__).parent / "data"
DEMO_ACCOUNTS = (
    # username, role, unit, password
    ("admin", "province_admin", None, "demo-admin-2026"),
    ("hoian", "unit_manager", "H-HOIAN", "demo-hoian-2026"),
    ("xem", "viewer", "TTT", "demo-viewer-2026"),
)
POINT_NAMES = ("Bộ phận tiếp công dân", "Bộ phận tiếp nhận và trả kết quả")
COMMENTS = (
    "Cán bộ hướng dẫn rất nhiệt tình, cảm ơn.",
    "Phải chờ hơi lâu.",
    "Phòng tiếp dân sạch sẽ, gọn gàng.",
    "Cần thêm ghế ngồi chờ.",
    "Thủ tục còn rườm rà.",
    "Rất hài lòng với thái độ phục vụ.",
)


def load_demo(sample_days: int | None = None, seed: int = 2023) -> list[str]:
    """Idempotent: units, groups, points, the periods and accounts are created only when missing,
    the sample answers only when no response is stored yet. `sample_days` None spreads the sample
    answers over the current period up to today; a number keeps them to that many last days (a
    lighter province for tests); 0 adds no sample at all. Returns lines to print. Changes go
    through the core operations (audited as the command line); the caller commits."""
    lines: list[str] = []
    actor = Actor.cli()
    import_units(actor, (DATA / "don-vi-quang-nam.csv").read_bytes(), "don-vi-quang-nam.csv")
    import_groups(actor, (DATA / "khoi-cum-thi-dua.csv").read_bytes(), "khoi-cum-thi-dua.csv")
    _ensure_points(actor)
    _ensure_period(actor)
    for username, role, unit, password in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            create_user(actor, username, role, password, unit)
        lines.append(f"demo account: {username} / {password} ({role}{', ' + unit if unit else ''})")
    if sample_days == 0:
        return lines
    today = local_today()
    days = sample_days or (today - current_period_range(today)[0]).days + 1
    if db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0:
        added = add_sample_responses(days=days, seed=seed)
        lines.append(f"sample responses added: {added} over {days} days")
    if db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0:
        lines.append(f"sample cases added: {add_sample_cases(actor)} (and an open alert at {ALERT_POINT})")
    if db.session.scalar(sa.select(sa.func.count()).select_from(FrozenReview)) == 0:
        code = add_sample_competition(actor, seed, so_ket=so_ket_date(today - timedelta(days=days - 1), today))
        lines.append(f"sample competition: period {code}, its sơ kết frozen and published on /cong-khai")
    return lines


MOVEMENT = "Phong trào thi đua “Xây dựng môi trường hành chính trong sạch, lành mạnh, công khai, minh bạch”"


def current_period_range(today: date) -> tuple[date, date]:
    """The demo's current period: the calendar year, started a year earlier in its first two
    months, so that the period always holds months of answers and a sơ kết behind it."""
    return date((today - timedelta(days=60)).year, 1, 1), date(today.year, 12, 31)


def so_ket_date(first: date, today: date) -> date:
    """The sơ kết closes at a month's end about 60% into the sample (30/06 for answers since
    January, seen in late autumn); over a few weeks only, three days before today."""
    if (today - first).days < 120:
        return max(first, today - timedelta(days=3))
    middle = first + (today - first) * 3 / 5
    return date(middle.year, middle.month, 1) - timedelta(days=1)


def add_sample_competition(actor: Actor, seed: int | None = None, so_ket: date | None = None) -> str:
    """The current period over the sample answers: every unit's figures of items 1-3 (half of them
    reviewed by the office), dossier counts of the districts, a bonus and a penalty line, and its
    sơ kết (on `so_ket`, by default three days ago) frozen and published, so the sheet, the
    reports of the period and the public page show real figures."""
    rng = random.Random(seed)  # noqa: S311 - seeded on purpose: reproducible demo figures, no secret
    today = local_today()
    start, end = current_period_range(today)
    code = f"demo-{today.year}"
    name = f"Phong trào thi đua năm {end.year} (dữ liệu minh hoạ)"  # short: the TV view shows it in one line
    period = create_period(actor, code=code, name=name, start=start, end=end)
    due = so_ket or max(start, today - timedelta(days=3))
    add_milestone(actor, period, kind="so_ket", name="Sơ kết", due=due)
    add_milestone(actor, period, kind="tong_ket", name="Tổng kết, bình xét khen thưởng", due=end)
    units = db.session.scalars(sa.select(Unit).order_by(Unit.code)).all()
    for number, unit in enumerate(units):
        for item in ASSESSED_ITEMS:
            own = float(rng.choice((85, 90, 92, 95, 98, 100)))
            self_assess(actor, period, unit, item, own, "Báo cáo tự chấm điểm của đơn vị")
            if number % 2 == 0:
                office = own if rng.random() < 0.7 else own - 5
                review(actor, period, unit, item, office, "" if office == own else "Minh chứng chưa đầy đủ")
        if unit.kind == "district":
            db.session.add(
                DossierCount(
                    period_id=period.id, unit_id=unit.id, on_time=rng.randint(150, 400), late=rng.randint(0, 20)
                )
            )
    add_adjustment(actor, period, unit_by_code("H-HOIAN"), 10, "Cờ thi đua của UBND tỉnh năm trước")
    add_adjustment(actor, period, unit_by_code("H-NUITHANH"), -2, "Chậm gửi báo cáo sơ kết")
    db.session.flush()
    set_published(actor, freeze(actor, period, "so_ket"), True)
    return code


ALERT_POINT = "H-TAMKY-P1"
# (unit, channel, days ago, content, the moves that bring it to its state)
SAMPLE_CASES = (
    ("H-HOIAN", "phone", 2, "Hỏi tiến độ hồ sơ cấp giấy chứng nhận quyền sử dụng đất", ()),
    (
        "H-HOIAN",
        "paper",
        4,
        "Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa",
        (Move("assigned", assignee="Lê Thị Hoa"),),
    ),
    (
        "H-DIENBAN",
        "email",
        6,
        "Phản ánh cán bộ hướng dẫn chưa rõ thủ tục đăng ký hộ tịch",
        (Move("answered", answer="Đã liên hệ, hướng dẫn lại thủ tục.", contact_method="phone"),),
    ),
    (
        "H-TAMKY",
        "reception",
        9,
        "Kiến nghị niêm yết công khai lịch tiếp công dân",
        (
            Move("answered", answer="Đã niêm yết tại bảng tin và cổng thông tin.", contact_method="letter"),
            Move("closed"),
        ),
    ),
    (
        "TTT-VP",
        "email",
        3,
        "Thư quảng cáo không liên quan",
        (Move("dismissed", reason="Thư rác, không có nội dung phản ánh"),),
    ),
    (
        "S-TP",
        "phone",
        12,
        "Phản ánh việc trả kết quả chậm",
        (Move("answered", answer="Đã xin lỗi và trả kết quả.", contact_method="phone"), Move("reopened")),
    ),
    # Received three weeks ago and still unanswered: overdue.
    ("H-NUITHANH", "paper", 21, "Đơn kiến nghị về thái độ tiếp dân, chưa được trả lời", ()),
)


def add_sample_cases(actor: Actor) -> int:
    """Cases in every state (one overdue), answers that open two more, and an open alert."""
    now = utcnow()
    for unit, channel, days, content, moves in SAMPLE_CASES:
        case = record_manual(
            actor, ManualCase(unit_code=unit, content=content, channel=channel, received_on=now - timedelta(days=days))
        )
        for move in moves:
            transition(actor, case, move)
    hoi_an = point_by_code("H-HOIAN-P1")
    for overall, comment, contact in (
        (1, "Phải chờ gần hai tiếng mà không ai hướng dẫn.", None),
        (4, None, {"name": "Trần Văn Bình", "phone": "0905 123 456", "consent": True}),
    ):
        record_response(
            response_id=uuid.uuid4(),
            point=hoi_an,
            channel="kiosk",
            answers={"overall": overall},
            comment=comment,
            contact=contact,
            consent_text=consent_text("vi") if contact else None,
        )
    # A bad morning at one desk: 4 of 10 answers within the hour scored low.
    point = point_by_code(ALERT_POINT)
    for minutes, overall in enumerate((1, 2, 5, 1, 4, 5, 2, 5, 4, 5)):
        record_response(
            response_id=uuid.uuid4(),
            point=point,
            channel="qr",
            answers={"overall": overall},
            answered_at=(now - timedelta(minutes=60 - 5 * minutes)).isoformat(),
        )
    return len(SAMPLE_CASES) + 2


def _ensure_points(actor: Actor) -> None:
    existing = set(db.session.scalars(sa.select(Point.code)))
    for unit in db.session.scalars(sa.select(Unit).order_by(Unit.code)).all():
        # District inspectorates also run a one-stop desk; the others have one reception desk.
        names = POINT_NAMES if unit.kind == "district" else POINT_NAMES[:1]
        for number, name in enumerate(names, start=1):
            code = f"{unit.code}-P{number}"
            if code not in existing:
                create_point(actor, code=code, name=name, unit_code=unit.code)


def _ensure_period(actor: Actor) -> None:
    if period_by_code("2023-2024") is not None:
        return
    period = create_period(
        actor,
        code="2023-2024",
        name=MOVEMENT,
        start=date(2023, 7, 1),
        end=date(2024, 11, 30),
    )
    add_milestone(actor, period, kind="so_ket", name="Sơ kết", due=date(2024, 2, 29))
    add_milestone(actor, period, kind="tong_ket", name="Tổng kết, bình xét khen thưởng", due=date(2024, 11, 30))


def _unit_quality(code: str) -> float:
    """A stable per-unit tendency, so demo units differ and rankings say something."""
    digest = hashlib.sha256(code.encode()).digest()
    return 0.68 + 0.3 * digest[0] / 255


def add_sample_responses(
    count: int | None = None, days: int = 90, seed: int | None = None, now: datetime | None = None
) -> int:
    """Insert sample responses over the last `days` days (working hours, local time).

    With `count` None, a realistic spread: more answers at big units (more over a longer window),
    and at three mountain districts a handful only, below the minimum sample whatever the window.
    """
    rng = random.Random(seed)  # noqa: S311 - seeded on purpose: reproducible demo answers, no secret
    survey = active_survey()
    if survey is None:
        raise RuntimeError("no active survey: run `flask db upgrade` first")
    points = db.session.execute(sa.select(Point.id, Unit.code).join(Unit).order_by(Point.id)).all()
    if not points:
        raise RuntimeError("no reception points: run `flask demo-data` first")
    if count is None:
        small = ("H-NAM", "H-TAY", "H-BAC")
        # Four weeks hold 20 to 90 answers a point; two months and more, proportionally more.
        scale = max(1, days // 60)
        plan = [
            (pid, code, rng.randint(2, 6) if code.startswith(small) else scale * rng.randint(20, 90))
            for pid, code in points
        ]
    else:
        per, extra = divmod(count, len(points))
        plan = [(pid, code, per + (1 if i < extra else 0)) for i, (pid, code) in enumerate(points)]
    moments = _working_moments(now or utcnow(), days)
    criteria = [c.id for c in survey.criteria]
    overall_id = next(c.id for c in survey.criteria if c.code == "overall")
    reasons = [r.id for r in survey.reasons]
    batch = _Batch()
    for point_id, unit_code, n in plan:
        weights = _score_weights(_unit_quality(unit_code), len(survey.scores))
        scores = rng.choices(survey.scores, cum_weights=weights, k=n * len(criteria))
        for i in range(n):
            rid = uuid.UUID(int=rng.getrandbits(128), version=4)
            when = datetime.fromtimestamp(rng.choice(moments) + rng.randrange(3600), UTC)
            flag = "misuse" if rng.random() < 0.01 else None
            comment = rng.choice(COMMENTS) if rng.random() < 0.08 else None
            channel = CHANNEL_MIX[rng.randrange(len(CHANNEL_MIX))]
            batch.responses.append((rid, point_id, survey.id, channel, when, when, flag, comment, "demo"))
            own = scores[i * len(criteria) : (i + 1) * len(criteria)]
            for criterion_id, score in zip(criteria, own, strict=True):
                # Follow-up questions are skippable, and many skip them.
                if criterion_id == overall_id or rng.random() >= 0.35:
                    batch.answers.append((rid, criterion_id, score))
            if own[0] <= 2 and reasons:
                batch.reasons.extend((rid, reason) for reason in rng.sample(reasons, k=rng.randint(1, 2)))
        if len(batch.responses) >= 20000:
            batch.flush()
    batch.flush()
    return sum(n for _, _, n in plan)


CHANNEL_MIX = ("kiosk",) * 6 + ("qr",) * 3 + ("visit",)


def _working_moments(now: datetime, days: int) -> list[int]:
    """Epoch seconds of the start of each working hour (Mon-Fri, 7-11 and 13-17 local) in range."""
    today = now.astimezone(LOCAL_TZ).date()
    moments = []
    for back in range(days):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for hour in (7, 8, 9, 9, 10, 10, 13, 14, 14, 15, 16):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ)
            if start + timedelta(hours=1) <= now:
                moments.append(int(start.timestamp()))
    return moments or [int(now.timestamp()) - 3600]


def _score_weights(quality: float, levels: int) -> list[float]:
    """Cumulative weights of a rounded normal around the unit's quality, clipped to the scale."""
    centre, spread = quality * (levels - 1), 0.9
    cdf = [0.5 * (1 + math.erf((k + 0.5 - centre) / (spread * math.sqrt(2)))) for k in range(levels - 1)]
    return [*cdf, 1.0]


class _Batch:
    """Rows waiting for one executemany per table."""

    RESPONSE_COLUMNS = (
        "id",
        "point_id",
        "survey_id",
        "channel",
        "answered_at",
        "received_at",
        "flag",
        "comment",
        "body_hash",
    )

    def __init__(self) -> None:
        self.responses: list[tuple] = []
        self.answers: list[tuple] = []
        self.reasons: list[tuple] = []

    def flush(self) -> None:
        _bulk_insert(Response.__table__, self.RESPONSE_COLUMNS, self.responses)
        _bulk_insert(Answer.__table__, ("response_id", "criterion_id", "score"), self.answers)
        _bulk_insert(ResponseReason.__table__, ("response_id", "reason_id"), self.reasons)
        self.responses, self.answers, self.reasons = [], [], []


def _bulk_insert(table: sa.Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One driver-level executemany, values converted by SQLAlchemy's own column types, so rows
    are stored exactly as the ORM stores them, without compiling parameters row by row."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    # The table and column names come from the models, the values travel as parameters.
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"  # noqa: S608
    if any(processors):
        rows = [
            tuple(
                p(value) if p is not None and value is not None else value
                for p, value in zip(processors, row, strict=True)
            )
            for row in rows
        ]
    connection.exec_driver_sql(sql, rows)
