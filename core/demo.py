"""Demo data: the Quảng Nam units and groups, points, the competition period, accounts and
realistic sample answers. Bulk inserts through Core executemany: 100,000 responses in seconds.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from core.accounts import create_user
from core.extensions import db
from core.imports import import_groups, import_units, new_point_token
from core.models import (
    Answer,
    CompetitionPeriod,
    Milestone,
    Point,
    Response,
    ResponseReason,
    Unit,
    User,
)
from core.responses import active_survey
from core.timeutil import LOCAL_TZ, utcnow

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


def load_demo(sample_days: int = 28, seed: int = 2023) -> list[str]:
    """Idempotent: units, groups, points, the period and accounts are created only when missing,
    the sample answers only when no response is stored yet. Returns lines to print."""
    lines: list[str] = []
    import_units((DATA / "don-vi-quang-nam.csv").read_bytes(), "don-vi-quang-nam.csv")
    import_groups((DATA / "khoi-cum-thi-dua.csv").read_bytes(), "khoi-cum-thi-dua.csv")
    _ensure_points()
    _ensure_period()
    for username, role, unit, password in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            create_user(username, role, password, unit)
        lines.append(f"demo account: {username} / {password} ({role}{', ' + unit if unit else ''})")
    if sample_days > 0 and db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0:
        added = add_sample_responses(days=sample_days, seed=seed)
        lines.append(f"sample responses added: {added}")
    return lines


def _ensure_points() -> None:
    existing = set(db.session.scalars(sa.select(Point.code)))
    for unit in db.session.scalars(sa.select(Unit).order_by(Unit.code)):
        # District inspectorates also run a one-stop desk; the others have one reception desk.
        names = POINT_NAMES if unit.kind == "district" else POINT_NAMES[:1]
        for number, name in enumerate(names, start=1):
            code = f"{unit.code}-P{number}"
            if code not in existing:
                db.session.add(Point(code=code, name=name, unit=unit, public_token=new_point_token()))
    db.session.commit()


def _ensure_period() -> None:
    if db.session.scalar(sa.select(CompetitionPeriod.id).where(CompetitionPeriod.code == "2023-2024")):
        return
    period = CompetitionPeriod(
        code="2023-2024",
        name="Phong trào thi đua “Xây dựng môi trường hành chính trong sạch, lành mạnh, công khai, minh bạch”",
        start_date=date(2023, 7, 1),
        end_date=date(2024, 11, 30),
    )
    period.milestones = [
        Milestone(kind="so_ket", name="Sơ kết", due_date=date(2024, 2, 29)),
        Milestone(kind="tong_ket", name="Tổng kết, bình xét khen thưởng", due_date=date(2024, 11, 30)),
    ]
    db.session.add(period)
    db.session.commit()


def _unit_quality(code: str) -> float:
    """A stable per-unit tendency, so demo units differ and rankings say something."""
    digest = hashlib.sha256(code.encode()).digest()
    return 0.55 + 0.4 * digest[0] / 255


def add_sample_responses(
    count: int | None = None, days: int = 90, seed: int | None = None, now: datetime | None = None
) -> int:
    """Insert sample responses over the last `days` days (working hours, local time).

    With `count` None, a realistic few weeks: more answers at big units, few at mountain ones.
    """
    rng = random.Random(seed)
    survey = active_survey()
    if survey is None:
        raise RuntimeError("no active survey: run `flask db upgrade` first")
    points = db.session.execute(sa.select(Point.id, Unit.code).join(Unit)).all()
    if not points:
        raise RuntimeError("no reception points: run `flask demo-data` first")
    now = now or utcnow()
    if count is None:
        plan = [
            (pid, ucode, rng.randint(2, 6) if ucode.startswith(("H-NAM", "H-TAY", "H-BAC")) else rng.randint(20, 90))
            for pid, ucode in points
        ]
    else:
        per, extra = divmod(count, len(points))
        plan = [(pid, ucode, per + (1 if i < extra else 0)) for i, (pid, ucode) in enumerate(points)]
    criteria = [(c.id, c.code) for c in survey.criteria]
    reasons = [r.id for r in survey.reasons]
    scale = survey.scores
    total = 0
    batch_r, batch_a, batch_reasons = [], [], []
    start_local = now.astimezone(LOCAL_TZ) - timedelta(days=days)
    for point_id, unit_code, n in plan:
        quality = _unit_quality(unit_code)
        for _ in range(n):
            when = _working_time(rng, start_local, days)
            rid = uuid.UUID(int=rng.getrandbits(128), version=4)
            overall = _score(rng, quality, scale)
            batch_r.append(
                {
                    "id": rid,
                    "point_id": point_id,
                    "survey_id": survey.id,
                    "channel": rng.choices(("kiosk", "qr", "visit"), (6, 3, 1))[0],
                    "device_id": None,
                    "answered_at": when,
                    "received_at": when,
                    "flag": "misuse" if rng.random() < 0.01 else None,
                    "comment": rng.choice(COMMENTS) if rng.random() < 0.08 else None,
                    "body_hash": "demo",
                }
            )
            for criterion_id, code in criteria:
                if code != "overall" and rng.random() < 0.35:
                    continue  # follow-up questions are skippable; many skip them
                score = overall if code == "overall" else _score(rng, quality, scale)
                batch_a.append({"response_id": rid, "criterion_id": criterion_id, "score": score})
            if overall <= 2 and reasons:
                for reason_id in rng.sample(reasons, k=rng.randint(1, 2)):
                    batch_reasons.append({"response_id": rid, "reason_id": reason_id})
            total += 1
            if len(batch_r) >= 20000:
                _flush(batch_r, batch_a, batch_reasons)
    _flush(batch_r, batch_a, batch_reasons)
    db.session.commit()
    return total


def _flush(responses: list, answers: list, reasons: list) -> None:
    if responses:
        db.session.execute(sa.insert(Response.__table__), responses)
    if answers:
        db.session.execute(sa.insert(Answer.__table__), answers)
    if reasons:
        db.session.execute(sa.insert(ResponseReason.__table__), reasons)
    responses.clear()
    answers.clear()
    reasons.clear()


def _working_time(rng: random.Random, start_local: datetime, days: int) -> datetime:
    day = start_local + timedelta(days=rng.randrange(days))
    while day.weekday() >= 5:
        day -= timedelta(days=rng.randint(1, 2))
    moment = day.replace(
        hour=rng.choice((7, 8, 9, 9, 10, 10, 13, 14, 14, 15, 16)),
        minute=rng.randrange(60),
        second=rng.randrange(60),
        microsecond=0,
    )
    return moment.astimezone(UTC)


def _score(rng: random.Random, quality: float, scale: list[int]) -> int:
    top = len(scale) - 1
    value = rng.gauss(quality * top, 0.9)
    return scale[min(top, max(0, round(value)))]
