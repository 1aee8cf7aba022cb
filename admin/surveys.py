"""Survey versions: the list, the editor (saving makes a new, inactive version) and activation.

The editor is a form of rows (criteria, reasons). Its "add", "remove", "up" and "down" buttons post
the form and get it back rearranged, unsaved, so it works without JavaScript; only "save" writes.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, get_or_404, posted_action
from admin.forms import MAX_SURVEY_ROWS, SurveyForm
from core.extensions import db
from core.models import Survey
from core.ratings.surveys import CriterionSpec, ReasonSpec, activate, create_version

# The value of the button pressed: "save", or a change of the rows, e.g. "remove-criteria-2".
ROW_ACTION = re.compile(r"^(add|remove|up|down)-(criteria|reasons)(?:-(\d{1,3}))?$")
BLANK_ROWS = {"criteria": CriterionSpec("", "", "", False, "", None, "", ""), "reasons": ReasonSpec("", "", "")}


@bp.get("/admin/surveys")
@access("province")
def surveys():
    rows = db.session.scalars(sa.select(Survey).order_by(Survey.code, Survey.version.desc())).all()
    return render_template("admin/surveys.html", surveys=rows)


def _current(survey: Survey) -> dict:
    return {
        "title": survey.title,
        "scale": len(survey.scale),
        "criteria": [
            CriterionSpec(
                c.code,
                c.label,
                c.question,
                c.required,
                c.sipas_element or "",
                c.plan_item,
                c.label_en,
                c.question_en,
            )
            for c in survey.criteria
        ],
        "reasons": [ReasonSpec(r.code, r.label, r.label_en) for r in survey.reasons],
    }


def _moved(rows: list, verb: str, index: int | None) -> list:
    """The rows after one button: a blank row added, one removed, or one swapped with its neighbour."""
    if verb == "add":
        return rows
    if index is None or not 0 <= index < len(rows):
        return rows
    if verb == "remove":
        return rows[:index] + rows[index + 1 :]
    other = index - 1 if verb == "up" else index + 1
    if not 0 <= other < len(rows):
        return rows
    rows = list(rows)
    rows[index], rows[other] = rows[other], rows[index]
    return rows


def _rearranged(posted: SurveyForm, action: str) -> tuple[SurveyForm, int | None]:
    """A fresh form (rows renumbered, no errors) holding what was typed, after the button's change;
    and the position of the row to bring into view."""
    rows = {"criteria": posted.criterion_specs(), "reasons": posted.reason_specs()}
    match = ROW_ACTION.match(action)
    focus = None
    if match:
        verb, kind, number = match.groups()
        index = int(number) if number is not None else None
        rows[kind] = _moved(rows[kind], verb, index)
        if verb == "add" and len(rows[kind]) < MAX_SURVEY_ROWS:
            rows[kind] = [*rows[kind], BLANK_ROWS[kind]]
            focus = f"{kind}-{len(rows[kind]) - 1}"
        elif verb in ("up", "down") and index is not None:
            focus = f"{kind}-{max(0, min(len(rows[kind]) - 1, index + (-1 if verb == 'up' else 1)))}"
    criteria = [replace(spec, sipas_element=spec.sipas_element or "") for spec in rows["criteria"]]
    form = SurveyForm(
        formdata=None,
        data={"title": posted.title.data, "scale": posted.scale.data, "criteria": criteria, "reasons": rows["reasons"]},
    )
    return form, focus


def _editor(survey: Survey, form: SurveyForm, status: int, focus: str | None = None):
    page = render_template("admin/survey_edit.html", survey=survey, form=form, focus=focus, max_rows=MAX_SURVEY_ROWS)
    return page, status


@bp.route("/admin/surveys/<int(max=2147483647):survey_id>/edit", methods=["GET", "POST"])
@access("province")
def survey_edit(survey_id: int):
    """Edits never touch a version that has answers: saving makes a new, inactive version."""
    old = get_or_404(Survey, survey_id)
    if request.method == "GET":
        return _editor(old, SurveyForm(data=_current(old)), 200)
    # Only what was posted: the old version's rows are not merged in by position.
    form = SurveyForm()
    action = form.action.data or "save"
    if action != "save":
        rearranged, focus = _rearranged(form, action)
        return _editor(old, rearranged, 200, focus)
    saved = form.submit(
        lambda: create_version(
            g.actor,
            old,
            title=form.title.data,
            levels=form.scale.data,
            criteria=form.criterion_specs(),
            reasons=form.reason_specs(),
        )
    )
    if saved:
        flash(
            _(
                "Đã lưu phiên bản %(v)s (chưa áp dụng). Bấm “Áp dụng” để các máy và mã QR dùng phiếu này.",
                v=form.outcome.version,
            )
        )
        return redirect(url_for("admin.surveys"))
    return _editor(old, form, form.http_status)


@bp.post("/admin/surveys/<int(max=2147483647):survey_id>/activate")
@access("province")
def survey_activate(survey_id: int):
    survey = get_or_404(Survey, survey_id)
    posted_action()
    activate(g.actor, survey)
    flash(_("Đã áp dụng phiếu %(code)s phiên bản %(v)s.", code=survey.code, v=survey.version))
    return redirect(url_for("admin.surveys"))
