"""Where an answer's time goes, in one process: kiosk answers and QR flows through Flask's test client.

Not part of `make bench` (bench/run_all.py lists its scripts): a tool for working on the write
path. Prints, per kiosk answer or per QR flow (GET the form, POST it), the CPU time, the SQL
statements, and on SQLite the write section (first write to commit: the time the database's one
write lock is held). `--profile` writes a pyinstrument call tree to bench/out/profile-<what>.txt.

    .venv/bin/python bench/profile_ingest.py kiosk --count 500 [--profile] [--postgresql]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from load import postgres_database, prepare_database, sqlite_database
from sqlalchemy import event

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("kiosk", "flow"))
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()
    with postgres_database() if args.postgresql else sqlite_database() as url:
        if url is None:
            raise SystemExit("no PostgreSQL")
        run(url, args)


def kiosk_step(app, prepared):
    client = app.test_client()
    now = datetime.now(UTC)
    tokens = prepared.device_tokens

    def kiosk(number: int) -> None:
        low = number % 8 == 0
        body = {
            "id": str(uuid.uuid4()),
            "survey": prepared.survey_id,
            "answers": dict.fromkeys(prepared.criteria, 2 if low else 5),
            # 120 s apart per tablet: no double taps (misuse), a busy desk's alert window.
            "answered_at": (now - timedelta(seconds=120 * (number // len(tokens)))).isoformat(),
        }
        if low:
            body["reasons"] = [prepared.reasons[0]]
        token = tokens[number % len(tokens)]
        answer = client.post("/api/v1/kiosk/responses", json=body, headers={"Authorization": f"Bearer {token}"})
        if answer.status_code != 201:
            raise RuntimeError(answer.get_data(as_text=True))

    return kiosk


def flow_step(app, prepared):
    def flow(number: int) -> None:
        visitor = app.test_client()
        path = f"/s/{prepared.point_tokens[number % len(prepared.point_tokens)]}"
        html = visitor.get(path).get_data(as_text=True)
        form = {}
        for tag in re.findall(r"<input[^>]*>", html):
            name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
            if 'type="hidden"' in tag and name and value:
                form[name.group(1)] = value.group(1)
        form.update({f"q_{code}": "5" for code in prepared.criteria})
        sent = visitor.post(path, data=form)
        if sent.status_code != 302:
            raise RuntimeError(sent.get_data(as_text=True)[:500])

    return flow


class Counter:
    """Statements, and on each commit the time since the transaction's first write."""

    def __init__(self, engine):
        self.statements, self.sections, self.first_write = 0, [], None
        event.listen(engine, "before_cursor_execute", self.executed)
        event.listen(engine, "commit", self.committed)

    def executed(self, _conn, _cursor, statement, *_args) -> None:
        self.statements += 1
        if self.first_write is None and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            self.first_write = time.perf_counter()

    def committed(self, _conn) -> None:
        if self.first_write is not None:
            self.sections.append(time.perf_counter() - self.first_write)
            self.first_write = None


def run(url: str, args) -> None:
    from app import create_app
    from core.extensions import db

    prepared = prepare_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "profile", "RATELIMIT_ENABLED": False})
    with app.app_context():
        counter = Counter(db.engine)
    step = (kiosk_step if args.what == "kiosk" else flow_step)(app, prepared)
    for number in range(20):  # the survey version, the rules, the templates: read once per process
        step(number)
    counter.statements, counter.sections = 0, []
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    cpu, wall = time.process_time(), time.perf_counter()
    for number in range(20, 20 + args.count):
        step(number)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler is not None:
        profiler.stop()
        OUT.mkdir(exist_ok=True)
        target = OUT / f"profile-{args.what}.txt"
        target.write_text(profiler.output_text(unicode=True, color=False))
        print(f"profile: {target}")
    unit = "answer" if args.what == "kiosk" else "flow"
    print(
        f"{args.count} {unit}s on {url.split(':', 1)[0]}: CPU {cpu / args.count * 1000:.2f} ms per {unit}, "
        f"wall {wall / args.count * 1000:.2f} ms, {counter.statements / args.count:.1f} statements per {unit}, "
        f"write section median {statistics.median(counter.sections or [0]) * 1000:.2f} ms"
    )
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
