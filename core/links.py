"""Public addresses printed on posters and slips, built from PUBLIC_BASE_URL."""

from __future__ import annotations

from flask import current_app

from core.models import Point


def survey_url(point: Point) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/s/{point.public_token}"


def visit_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/v/{code}"


def pairing_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/kiosk/pair?code={code}"
