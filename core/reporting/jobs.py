"""Exports built in the background: a report page queues a job, `flask run-exports` claims it,
builds the file with the same functions as the synchronous download, and keeps it under EXPORT_DIR
by a generated name until it expires.

The door that offers a kind of export registers its builder here (`register`): the builder turns
the job's stored filters back into the door's report filter, so the core never imports a door and
the figures are never written twice. Each state change (claimed, progress, done, failed) is its own
committed transaction, so the page polling the job sees it at once and a crash loses one job only.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from core import transactions
from core.extensions import db
from core.models import EXPORT_KINDS, ExportJob, User
from core.timeutil import utcnow
from core.worker_loop import repeat

ACTIVE = ("queued", "running")
# A job still "running" this long after it started belongs to a worker that died: it is failed.
STALE = timedelta(hours=2)
# At most one progress write this often: each write is a commit the polling page reads.
PROGRESS_SECONDS = 0.5
ROWS_PER_REPORT = 2_000

Progress = Callable[[int, str], None]
Builder = Callable[[ExportJob, Progress], bytes]
_builders: dict[str, Builder] = {}


def register(kind: str, builder: Builder) -> None:
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    _builders[kind] = builder


def export_dir() -> Path:
    return Path(current_app.config["EXPORT_DIR"])


def keep() -> timedelta:
    return timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"])


def file_path(job: ExportJob) -> Path | None:
    return export_dir() / job.stored_name if job.stored_name else None


def params_key(kind: str, params: dict, scope: list[int] | None) -> str:
    canonical = json.dumps([kind, params, scope], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- Asking and looking -------------------------------------------------------------------------


def enqueue(user: User, kind: str, params: dict, scope: set[int] | None, file_name: str) -> tuple[ExportJob, bool]:
    """The user's export of this kind, filters and scope that is still queued or running (a
    repeated click), or a new queued one. Returns the job and whether it is new."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    scope_ids = sorted(scope) if scope is not None else None
    key = params_key(kind, params, scope_ids)
    running = db.session.scalar(
        sa.select(ExportJob)
        .where(
            ExportJob.user_id == user.id,
            ExportJob.kind == kind,
            ExportJob.params_key == key,
            ExportJob.status.in_(ACTIVE),
        )
        .order_by(ExportJob.created_at.desc())
        .limit(1)
    )
    if running is not None:
        return running, False
    now = utcnow()
    job = ExportJob(
        id=secrets.token_hex(16),
        user_id=user.id,
        kind=kind,
        params=params,
        params_key=key,
        scope=scope_ids,
        status="queued",
        progress=0,
        message="",
        file_name=file_name,
        created_at=now,
        # A job no worker ever takes is forgotten after the same time as a finished one.
        expires_at=now + keep(),
    )
    db.session.add(job)
    db.session.flush()
    return job, True


def job_of(user: User, job_id: str) -> ExportJob | None:
    """The job, only for the user who asked for it (anyone else gets None, answered as 404)."""
    job = db.session.get(ExportJob, job_id) if len(job_id) <= 32 else None
    return job if job is not None and job.user_id == user.id else None


def recent_jobs(user: User, limit: int = 50) -> list[ExportJob]:
    query = (
        sa.select(ExportJob)
        .where(ExportJob.user_id == user.id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


# --- The worker's side ----------------------------------------------------------------------------


def claim(now: datetime | None = None) -> ExportJob | None:
    """Take the oldest queued job and mark it running, committed; None when none is left.

    As the notification worker claims deliveries: on PostgreSQL the row is locked with
    SKIP LOCKED, so several workers take different jobs; on SQLite (one writer at a time) the
    UPDATE is guarded by the status it expects, so a job another worker took is skipped.
    """
    now = now or utcnow()
    for _attempt in range(10):
        with transactions.unit_of_work():
            query = (
                sa.select(ExportJob.id)
                .where(ExportJob.status == "queued")
                .order_by(ExportJob.created_at, ExportJob.id)
                .limit(1)
            )
            if db.session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            job_id = db.session.scalar(query)
            if job_id is None:
                return None
            taken = db.session.execute(
                sa.update(ExportJob)
                .where(ExportJob.id == job_id, ExportJob.status == "queued")
                .values(status="running", started_at=now, progress=0, message="")
                .execution_options(synchronize_session=False)
            ).rowcount
        if taken:
            return db.session.get(ExportJob, job_id)
    return None


def _reporter(job_id: str) -> Progress:
    last = {"at": float("-inf"), "progress": -1, "message": ""}

    def report(progress: int, message: str) -> None:
        progress = max(0, min(99, int(progress)))  # 100 is "done", written with the file
        moment = time.monotonic()
        same = progress == last["progress"] and message == last["message"]
        if same or moment - last["at"] < PROGRESS_SECONDS:
            return
        last.update(at=moment, progress=progress, message=message)
        with transactions.unit_of_work():
            db.session.execute(
                sa.update(ExportJob)
                .where(ExportJob.id == job_id)
                .values(progress=progress, message=message[:200])
                .execution_options(synchronize_session=False)
            )

    return report


def _store(data: bytes, extension: str) -> str:
    """Write the file under a generated name (never anything the user typed), atomically."""
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + extension
    partial = folder / (name + ".part")
    partial.write_bytes(data)
    os.replace(partial, folder / name)
    return name


def run(job: ExportJob, now: Callable[[], datetime] = utcnow) -> bool:
    """Build one claimed job's file; True when it is done. A failure is recorded on the job with
    its reason, never raised: the next job still runs and the user's page says what happened."""
    job_id, kind, extension = job.id, job.kind, Path(job.file_name).suffix
    builder = _builders.get(kind)
    try:
        if builder is None:
            raise LookupError(f"no builder registered for export kind {kind!r}")
        data = builder(job, _reporter(job_id))
        stored = _store(data, extension)
    except Exception as exc:  # any failure of the build is the job's, not the worker's
        transactions.abandon()
        error = f"{type(exc).__name__}: {exc}"[:1000]
        with transactions.unit_of_work():
            _finish(job_id, now(), status="failed", error=error)
        return False
    path = export_dir() / stored
    with transactions.unit_of_work():
        transactions.on_rollback(lambda: path.unlink(missing_ok=True))
        _finish(job_id, now(), status="done", stored_name=stored, size=len(data), progress=100)
    return True


def _finish(job_id: str, moment: datetime, **values) -> None:
    db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id)
        .values(finished_at=moment, expires_at=moment + keep(), message="", **values)
        .execution_options(synchronize_session=False)
    )


def purge_expired(now: datetime | None = None) -> int:
    """Delete expired jobs and their files, and fail jobs whose worker died. Returns how many
    jobs were deleted."""
    now = now or utcnow()
    db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.status == "running", ExportJob.started_at < now - STALE)
        .values(status="failed", error="the worker stopped before the file was ready", finished_at=now)
        .execution_options(synchronize_session=False)
    )
    expired = list(db.session.scalars(sa.select(ExportJob).where(ExportJob.expires_at <= now)))
    for job in expired:
        path = file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
        db.session.delete(job)
    db.session.flush()
    return len(expired)


def one_pass(echo: Callable[[str], None]) -> int:
    """Purge what expired, then build every queued job. Returns how many jobs were built."""
    with transactions.unit_of_work():
        purged = purge_expired()
    if purged:
        echo(f"expired exports deleted: {purged}")
    built = 0
    while (job := claim()) is not None:
        job_id, kind = job.id, job.kind
        started = time.perf_counter()
        ok = run(job)
        built += 1
        if ok:
            echo(f"export {job_id} ({kind}) done in {time.perf_counter() - started:.1f} s")
        else:
            error = db.session.scalar(sa.select(ExportJob.error).where(ExportJob.id == job_id))
            echo(f"export {job_id} ({kind}) failed: {error}")
    return built


def work(*, loop: bool, interval: int, echo: Callable[[str], None]) -> None:
    repeat(one_pass, loop=loop, interval=interval, echo=echo)


# --- Progress over a table's rows -------------------------------------------------------------------


class CountedRows(list):
    """A table's rows that tell how far a writer has gone through them. `xlsx_bytes` and
    `csv_bytes` iterate `table.rows` once, so they report progress without a hook of their own."""

    def __init__(self, rows: Iterable, on_row: Callable[[int], None]):
        super().__init__(rows)
        self._on_row = on_row

    def __iter__(self) -> Iterator:
        for index, row in enumerate(super().__iter__()):
            if index % ROWS_PER_REPORT == 0:
                self._on_row(index)
            yield row


def track_rows(tables: list, report: Callable[[int, int], None]) -> None:
    """Make every table's rows report (rows written so far, rows in all the tables)."""
    total = sum(len(table.rows) for table in tables)
    done_before = 0
    for table in tables:
        offset = done_before
        table.rows = CountedRows(table.rows, lambda index, offset=offset: report(offset + index, total))
        done_before += len(table.rows)
