"""Survey versions: the list, the editor (saving makes a new, inactive version) and activation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, get_or_404, posted_action
from admin.forms import SurveyForm
from core.extensions import db
from core.models import SIPAS_ELEMENTS, Survey
from core.ratings.surveys import CriterionSpec, ReasonSpec, activate, create_version


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
            CriterionSpec(c.code, c.label, c.question, c.required, c.sipas_element, c.plan_item)
            for c in survey.criteria
        ],
        "reasons": [ReasonSpec(r.code, r.label) for r in survey.reasons],
    }


@bp.route("/admin/surveys/<int(max=2147483647):survey_id>/edit", methods=["GET", "POST"])
@access("province")
def survey_edit(survey_id: int):
    """Edits never touch a version that has answers: saving makes a new, inactive version."""
    old = get_or_404(Survey, survey_id)
    form = SurveyForm(data=_current(old))
    saved = form.submit(
        lambda: create_version(
            g.actor,
            old,
            title=form.title.data,
            levels=form.scale.data,
            criteria=form.criteria.data,
            reasons=form.reasons.data,
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
    return render_template("admin/survey_edit.html", survey=old, form=form, elements=SIPAS_ELEMENTS), form.http_status


@bp.post("/admin/surveys/<int(max=2147483647):survey_id>/activate")
@access("province")
def survey_activate(survey_id: int):
    survey = get_or_404(Survey, survey_id)
    posted_action()
    activate(g.actor, survey)
    flash(_("Đã áp dụng phiếu %(code)s phiên bản %(v)s.", code=survey.code, v=survey.version))
    return redirect(url_for("admin.surveys"))
