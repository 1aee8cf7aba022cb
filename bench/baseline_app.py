"""The bare-Flask baseline the HTTP benchmarks compare the service with, in the same run.

Served by the same gunicorn settings as the service (see `load.baseline`), on the same database
(DATABASE_URL: the SQLite file with the service's own pragmas, or PostgreSQL), each endpoint does
the least a web endpoint storing one answer can do:

- `POST /insert`: parse the JSON body, one raw INSERT of its id and body, commit, 201 JSON.
- `GET /form` then `POST /form`: a bare form flow. The GET puts a random token in Flask's signed
  session cookie and in a hidden field with a fresh id; the POST checks the token against the
  session, does one raw INSERT, commits and redirects (302).
- `GET /healthz`: 200 once the worker is up.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, abort, redirect, request, session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app import sqlite_pragmas

TABLE = "bench_baseline"
INSERT = f"INSERT INTO {TABLE} (id, body) VALUES (:id, :body)"  # noqa: S608 - a constant table name

engine = sa.create_engine(os.environ["DATABASE_URL"])
if engine.dialect.name == "sqlite":
    # The service's own SQLite settings, so both write alike.
    sa.event.listen(engine, "connect", sqlite_pragmas)


statement = sa.text(INSERT)
app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]


def _store(key: str, body: str) -> None:
    with engine.begin() as connection:
        connection.execute(statement, {"id": key, "body": body})


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/insert")
def insert():
    body = request.get_json()
    key = str(uuid.UUID(body["id"]))
    _store(key, json.dumps(body))
    return {"id": key, "created": True}, 201


@app.get("/form")
def form_page():
    session["token"] = token = secrets.token_urlsafe(24)
    return (
        "<!doctype html><form method=post>"
        f'<input type="hidden" name="csrf_token" value="{token}">'
        f'<input type="hidden" name="response_id" value="{uuid.uuid4()}">'
        '<input type="radio" name="q" value="5"><button>Send</button></form>'
    )


@app.post("/form")
def form_post():
    token = session.pop("token", None)
    if token is None or not secrets.compare_digest(token, request.form.get("csrf_token", "")):
        abort(400)
    key = str(uuid.UUID(request.form["response_id"]))
    _store(key, json.dumps(request.form.to_dict()))
    return redirect("/thanks")
