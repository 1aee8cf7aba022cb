"""Competition periods (đợt thi đua) and their milestones (sơ kết, tổng kết)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, get_or_404, posted_action
from admin.forms import MILESTONE_LABELS, MilestoneForm, PeriodForm
from core.extensions import db
from core.models import CompetitionPeriod, Milestone
from core.org.periods import add_milestone, create_period, delete_milestone


def _periods_page(form: PeriodForm, milestone_form: MilestoneForm | None = None, failed_period: int | None = None):
    rows = db.session.scalars(sa.select(CompetitionPeriod).order_by(CompetitionPeriod.start_date.desc())).all()
    failed = milestone_form is not None or form.is_submitted()
    return render_template(
        "admin/periods.html",
        periods=rows,
        kinds=MILESTONE_LABELS,
        form=form,
        milestone=milestone_form or MilestoneForm(formdata=None),
        failed_period=failed_period,
    ), (422 if failed else 200)


@bp.route("/admin/periods", methods=["GET", "POST"])
@access("province")
def periods():
    form = PeriodForm()
    created = form.submit(
        lambda: create_period(
            g.actor, code=form.code.data, name=form.name.data, start=form.start_date.data, end=form.end_date.data
        )
    )
    if not created:
        return _periods_page(form)
    flash(_("Đã thêm đợt thi đua %(code)s.", code=form.outcome.code))
    return redirect(url_for("admin.periods"))


@bp.post("/admin/periods/<int(max=2147483647):period_id>/milestones")
@access("province")
def milestone_add(period_id: int):
    period = get_or_404(CompetitionPeriod, period_id)
    form = MilestoneForm()
    added = form.submit(
        lambda: add_milestone(g.actor, period, kind=form.kind.data, name=form.name.data, due=form.due_date.data)
    )
    if not added:
        return _periods_page(PeriodForm(formdata=None), form, period.id)
    flash(_("Đã thêm mốc %(name)s.", name=form.outcome.name))
    return redirect(url_for("admin.periods"))


@bp.post("/admin/milestones/<int(max=2147483647):milestone_id>/delete")
@access("province")
def milestone_delete(milestone_id: int):
    milestone = get_or_404(Milestone, milestone_id)
    posted_action()
    delete_milestone(g.actor, milestone)
    flash(_("Đã xoá mốc."))
    return redirect(url_for("admin.periods"))
