"""Demo data: the Quảng Nam units and groups, points, the competition period, accounts and
realistic sample answers. Bulk inserts by executemany (SQLite) or COPY (PostgreSQL): a million
responses in well under a minute.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.schema import AddConstraint, DropConstraint

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
from core.ratings import rollups
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
    """Insert sample responses over the last `days` days (working hours, local time), counted into
    the rollups as they are drawn; returns how many were added.

    With `count` None, a realistic spread: more answers at big units (more over a longer window),
    and at three mountain districts a handful only, below the minimum sample whatever the window.

    Built for millions of rows (`flask demo-data --responses 1000000` within a minute on SQLite):
    the rows are drawn in batches with one cheap RNG call per value, in ascending id order (the
    primary key and the answers' unique index then grow at their end instead of at random pages),
    and written by one executemany per table and batch, or by COPY on PostgreSQL. The rows bypass
    `record_response`, so each batch is tallied in memory (`core.ratings.rollups.Tally`, the
    counters the write path adds) and the tally added to the rollups in one upsert per table.
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
    now = now or utcnow()
    connection = db.session.connection()
    writer = _CopyWriter(connection) if connection.dialect.name == "postgresql" else _InsertWriter(connection)
    moments = _working_moments(now, days)
    stamps = writer.stamps(moments)
    local = [(moment.date(), moment.hour) for moment in (datetime.fromtimestamp(m, LOCAL_TZ) for m in moments)]
    tally = rollups.Tally()
    with _large_load(connection, sum(n for _, _, n in plan)):
        for responses, answers, reasons in _sample_batches(rng, survey, plan, stamps, local, tally):
            writer.write(responses, answers, reasons)
            if tally.size() > TALLY_FLUSH_KEYS:
                tally.flush()
    tally.flush()
    return sum(n for _, _, n in plan)


# Counters held in memory before a bulk load adds them to the rollups (about 300 bytes each).
TALLY_FLUSH_KEYS = 1_000_000


CHANNEL_MIX = ("kiosk",) * 6 + ("qr",) * 3 + ("visit",)


def _working_moments(now: datetime, days: int) -> list[int]:
    """Epoch seconds of the start of each working hour (Mon-Fri, 7-11 and 13-17 local) in range,
    or of the last whole hour when the range holds none (the loader adds a second within the hour)."""
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
    return moments or [(int(now.timestamp()) - 3600) // 3600 * 3600]


def _score_weights(quality: float, levels: int) -> list[float]:
    """Cumulative weights of a rounded normal around the unit's quality, clipped to the scale."""
    centre, spread = quality * (levels - 1), 0.9
    cdf = [0.5 * (1 + math.erf((k + 0.5 - centre) / (spread * math.sqrt(2)))) for k in range(levels - 1)]
    return [*cdf, 1.0]


BATCH_ROWS = 50_000
MISUSE_SHARE, COMMENT_SHARE, SKIP_SHARE = 0.01, 0.08, 0.35
# The 122 random bits of a version 4 UUID; the other six say "version 4, RFC 4122 variant".
UUID4_SPACE = 1 << 122
_LOW_62 = (1 << 62) - 1


def _uuid4_hex(bits: int) -> str:
    """A version 4 UUID (as 32 hex digits) from its 122 random bits, keeping their order."""
    value = (bits >> 74) << 80 | 0x4 << 76 | ((bits >> 62) & 0xFFF) << 64 | 0b10 << 62 | bits & _LOW_62
    return f"{value:032x}"


def _ascending_ids(rng: random.Random, done: int, size: int, total: int) -> list[str]:
    """`size` random version 4 UUIDs in ascending order: the batch that follows `done` of `total`
    draws uniformly in its own slice of the id space, so all the batches together are uniform
    random ids that come out sorted without ever sorting them all."""
    low, high = UUID4_SPACE * done // total, UUID4_SPACE * (done + size) // total
    span = high - low
    return [_uuid4_hex(low + bits) for bits in sorted(rng.randrange(span) for _ in range(size))]


def _sample_batches(
    rng: random.Random,
    survey,
    plan: list[tuple[int, str, int]],
    stamps: tuple[list[str], list[str]],
    local: list[tuple[date, int]],
    tally: rollups.Tally,
) -> Iterator[tuple[list[tuple], list[tuple], list[tuple]]]:
    """(responses, answers, reasons) rows, BATCH_ROWS responses at a time, in ascending id order.

    The same distributions as the first one-row-at-a-time version: each point gets its planned
    number of answers (shuffled over the ids, so an id says nothing of its point); the moment is a
    uniform working hour of `stamps` (busy hours listed twice) and a uniform second in it; 1% are
    flagged misuse; 8% carry one of COMMENTS; the channel follows CHANNEL_MIX; every criterion is
    scored on the unit's rounded normal, the follow-up questions skipped by 35%; an overall score
    of 1 or 2 picks one or two reasons. `local` holds the local (day, hour) of each working hour of
    `stamps`; every response is added to `tally` as it is drawn.
    """
    hours, seconds = stamps
    total = sum(n for _pid, _code, n in plan)
    slots = [index for index, (_pid, _code, n) in enumerate(plan) for _ in range(n)]
    rng.shuffle(slots)
    point_ids = [pid for pid, _code, _n in plan]
    levels = list(survey.scores)
    weights = [_score_weights(_unit_quality(code), len(levels)) for _pid, code, _n in plan]
    # In id order, so each response's answers extend the unique index (response, criterion) at its end.
    criteria = sorted((c.id, c.code == "overall") for c in survey.criteria)
    reasons = [r.id for r in survey.reasons]
    survey_id, draw = survey.id, rng.random
    done = 0
    while done < total:
        size = min(BATCH_ROWS, total - done)
        ids = _ascending_ids(rng, done, size, total)
        # Indexes into the working hours: the same draws as choosing the hours themselves.
        picked = rng.choices(range(len(hours)), k=size)
        moments = [hours[i] + b for i, b in zip(picked, rng.choices(seconds, k=size), strict=True)]
        channels = rng.choices(CHANNEL_MIX, k=size)
        responses: list[tuple] = []
        answers: list[tuple] = []
        chosen: list[tuple] = []
        rows = zip(ids, slots[done : done + size], moments, picked, channels, strict=True)
        for rid, slot, moment, hour_index, channel in rows:
            flag = "misuse" if draw() < MISUSE_SHARE else None
            comment = COMMENTS[int(draw() * len(COMMENTS))] if draw() < COMMENT_SHARE else None
            responses.append((rid, point_ids[slot], survey_id, channel, moment, moment, flag, comment, "demo"))
            cumulative = weights[slot]
            overall = None
            scores = []
            for criterion_id, is_overall in criteria:
                # Follow-up questions are skippable, and many skip them.
                if is_overall or draw() >= SKIP_SHARE:
                    score = levels[bisect.bisect(cumulative, draw())]
                    answers.append((rid, criterion_id, score))
                    scores.append((criterion_id, score))
                    if is_overall:
                        overall = score
            chosen_now = ()
            if overall is not None and overall <= 2 and reasons:
                chosen_now = sorted(rng.sample(reasons, k=1 if draw() < 0.5 else 2))
                chosen.extend((rid, reason) for reason in chosen_now)
            day, hour = local[hour_index]
            tally.add(point_ids[slot], channel, day, hour, flag, scores, chosen_now)
        yield responses, answers, chosen
        done += size


# From this many answers, a load that at least doubles the table sets its checks aside (_large_load).
REBUILD_INDEXES_FROM = 100_000


@contextmanager
def _large_load(connection: sa.Connection, adding: int) -> Iterator[None]:
    """Around a large load into the answer tables: drop the responses' secondary indexes, and on
    PostgreSQL the answer tables' foreign keys, then create them again after it, in the same
    transaction. A failed load rolls the drops back with the rows; adding a foreign key checks
    every row, so nothing unchecked is ever committed.

    The indexes key on the answer's time, random in the load's id order: a million inserts at
    random pages of three indexes cost about twice the rest of the load on SQLite, while building
    them afterwards is one sort each. PostgreSQL checks a foreign key by a trigger per row (about
    two thirds of a COPY's time); adding the constraint afterwards checks them all in one join.
    Small loads into a big table keep everything (rebuilding would cost more than it saves).
    Meanwhile SQLite's readers see the tables as they were; PostgreSQL's wait for the commit.
    """
    if adding < REBUILD_INDEXES_FROM:
        yield
        return
    stored = connection.scalar(sa.select(sa.func.count()).select_from(Response.__table__)) or 0
    if stored > adding:
        yield
        return
    inspector = sa.inspect(connection)
    present = {index["name"] for index in inspector.get_indexes(Response.__tablename__)}
    indexes = sorted(
        (index for index in Response.__table__.indexes if index.name in present and not index.unique),
        key=lambda index: index.name,
    )
    keys: list[sa.ForeignKeyConstraint] = []
    if connection.dialect.name == "postgresql":
        for table, _columns in TABLES:
            named = {key["name"] for key in inspector.get_foreign_keys(table.name)}
            keys += sorted(
                (key for key in table.foreign_key_constraints if key.name in named), key=lambda key: key.name
            )
    for key in keys:
        connection.execute(DropConstraint(key))
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)
    for key in keys:
        connection.execute(AddConstraint(key))


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
ANSWER_COLUMNS = ("response_id", "criterion_id", "score")
REASON_COLUMNS = ("response_id", "reason_id")
TABLES = (
    (Response.__table__, RESPONSE_COLUMNS),
    (Answer.__table__, ANSWER_COLUMNS),
    (ResponseReason.__table__, REASON_COLUMNS),
)


class _InsertWriter:
    """SQLite (or any other driver): one driver-level executemany per table and batch.

    The values are given in the form SQLAlchemy's own column types bind them (ids as 32 hex digits,
    UTC times as "YYYY-MM-DD HH:MM:SS.ffffff"), checked against those types' bind processors, so
    the rows are stored exactly as the ORM stores them."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        # The table and column names come from the models, the values travel as parameters.
        self.statements = [
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"  # noqa: S608
            for table, columns in TABLES
        ]

    def _processor(self, column: sa.Column):
        dialect = self.connection.dialect
        return column.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)

    def stamps(self, moments: list[int]) -> tuple[list[str], list[str]]:
        """(each working hour as its bound text up to the minutes, each second of an hour's rest)."""
        bind = self._processor(Response.__table__.c.answered_at)
        whole = [bind(datetime.fromtimestamp(moment, UTC)) for moment in moments]
        rest = [f"{second // 60:02d}:{second % 60:02d}.000000" for second in range(3600)]
        hours = [text[: -len(rest[0])] for text in whole]
        sample = datetime.fromtimestamp(moments[0] + 3599, UTC)
        check_id = uuid.UUID(_uuid4_hex(UUID4_SPACE - 1))
        bind_id = self._processor(Response.__table__.c.id)
        if any(not text.endswith(rest[0]) for text in whole) or bind(sample) != hours[0] + rest[3599]:
            raise RuntimeError(f"unexpected bound form of a time: {bind(sample)!r}")
        if bind_id(check_id) != check_id.hex:
            raise RuntimeError(f"unexpected bound form of a UUID: {bind_id(check_id)!r}")
        return hours, rest

    def write(self, *rows: list[tuple]) -> None:
        for statement, table_rows in zip(self.statements, rows, strict=True):
            if table_rows:
                self.connection.exec_driver_sql(statement, table_rows)


class _CopyWriter:
    """PostgreSQL: COPY ... FROM STDIN through psycopg 3, in the session's transaction; PostgreSQL
    parses the text forms (32 hex digits for a uuid, "YYYY-MM-DD HH:MM:SS+00" for a timestamptz)."""

    def __init__(self, connection: sa.Connection) -> None:
        self.cursor = connection.connection.dbapi_connection.cursor()
        self.statements = [f"COPY {table.name} ({', '.join(columns)}) FROM STDIN" for table, columns in TABLES]

    def stamps(self, moments: list[int]) -> tuple[list[str], list[str]]:
        hours = [datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:") for moment in moments]
        return hours, [f"{second // 60:02d}:{second % 60:02d}+00" for second in range(3600)]

    def write(self, *rows: list[tuple]) -> None:
        for statement, table_rows in zip(self.statements, rows, strict=True):
            if table_rows:
                with self.cursor.copy(statement) as copy:
                    for row in table_rows:
                        copy.write_row(row)
