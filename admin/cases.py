"""Citizens' feedback as cases (phản ánh, kiến nghị): the list (overdue first), one case with its
history and the moves the state machine allows from where it stands, and feedback recorded by staff
(on paper, by phone, by e-mail, at a reception session).

Contact details of a citizen are shown to unit managers and the province office only; viewers see
the case without them."""

from __future__ import annotations

import math
from datetime import UTC

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import LEVELS, access, get_or_404, require_scope, scoped_units
from admin.forms import (
    CASE_KIND_LABELS,
    CASE_SOURCE_LABELS,
    CASE_STATUS_LABELS,
    CONTACT_METHOD_LABELS,
    MANUAL_CHANNEL_LABELS,
    MOVE_LABELS,
    CaseFilterForm,
    CaseMoveForm,
    ManualCaseForm,
)
from core.cases.operations import (
    OPEN_STATUSES,
    TRANSITIONS,
    ManualCase,
    Move,
    is_overdue,
    on_time,
    record_manual,
    transition,
)
from core.cases.queries import list_cases
from core.errors import Conflict
from core.extensions import db
from core.models import Alert, Case, Point, Unit
from core.org.units import subtree_ids, unit_by_code
from core.ratings.privacy import consent_text
from core.timeutil import local_today, utcnow

PER_PAGE = 50
# Who sees a citizen's name, phone and e-mail (Decree 13/2023: only those who answer them).
CONTACT_ROLES = ("unit_manager", "province_admin")


# --- The screens' names of the codes of a case ---------------------------------------------


def _label(labels: dict, code: str | None) -> str:
    if not code:
        return "–"
    return str(labels.get(code, code))


@bp.app_template_filter("case_status")
def case_status(code: str | None) -> str:
    return _label(CASE_STATUS_LABELS, code)


@bp.app_template_filter("case_source")
def case_source(code: str | None) -> str:
    return _label(CASE_SOURCE_LABELS, code)


@bp.app_template_filter("case_kind")
def case_kind(code: str | None) -> str:
    return _label(CASE_KIND_LABELS, code)


@bp.app_template_filter("case_channel")
def case_channel(code: str | None) -> str:
    return _label(MANUAL_CHANNEL_LABELS, code)


@bp.app_template_filter("contact_method")
def contact_method(code: str | None) -> str:
    return _label(CONTACT_METHOD_LABELS, code)


@bp.app_template_filter("ddmmyyyy")
def ddmmyyyy(value) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "–"


@bp.context_processor
def nav_counts():
    """Open alerts and overdue cases of the caller's scope, next to the nav links (two counts,
    run only when the layout asks)."""

    def counts() -> dict[str, int]:
        scope = g.get("scope", "unset")
        if g.get("user") is None or scope == "unset":
            return {}
        alerts = sa.select(sa.func.count()).select_from(Alert).where(Alert.status == "open")
        overdue = (
            sa.select(sa.func.count()).select_from(Case).where(Case.status.in_(OPEN_STATUSES), Case.due < local_today())
        )
        if scope is not None:
            alerts = alerts.where(Alert.unit_id.in_(scope))
            overdue = overdue.where(Case.unit_id.in_(scope))
        return {"alerts": db.session.scalar(alerts) or 0, "overdue": db.session.scalar(overdue) or 0}

    return {"nav_counts": counts}


# --- The list ------------------------------------------------------------------------------


def _filter_unit(code: str | None) -> Unit | None:
    """A unit named in the filter; one outside the caller's scope does not exist (404)."""
    if not code:
        return None
    unit = unit_by_code(code)
    if unit is None:
        abort(404)
    require_scope(unit.id)
    return unit


def _page_url(form: CaseFilterForm, page: int) -> str:
    values = {"status": form.status.data, "unit": form.unit.data, "overdue": form.overdue.data, "page": page}
    return url_for("admin.case_list", **{k: v for k, v in values.items() if v not in (None, "")})


@bp.get("/admin/cases")
@access("read")
def case_list():
    form = CaseFilterForm(formdata=request.args)
    valid = form.validate()
    total, rows, page = 0, [], 1
    if valid:
        unit = _filter_unit(form.unit.data)
        page = form.page.data or 1
        total, rows = list_cases(
            g.scope,
            status=form.status.data or None,
            unit_ids=subtree_ids(unit.id) if unit else None,
            overdue=form.overdue_flag,
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
        )
    pages = max(1, math.ceil(total / PER_PAGE))
    return render_template(
        "admin/cases.html",
        form=form,
        cases=rows,
        total=total,
        page=page,
        pages=pages,
        prev_url=_page_url(form, page - 1) if page > 1 else None,
        next_url=_page_url(form, page + 1) if page < pages else None,
        units=scoped_units(),
        today=local_today(),
        is_overdue=is_overdue,
        may_manage=g.user.role in LEVELS["manage"],
    ), (200 if valid else 422)


# --- One case --------------------------------------------------------------------------------


def _case_or_404(case_id: int) -> Case:
    case = get_or_404(Case, case_id)
    require_scope(case.unit_id)
    return case


def allowed_moves(case: Case) -> list[str]:
    """The statuses the state machine lets this case move to, in the table's order."""
    return [target for target, sources in TRANSITIONS.items() if case.status in sources]


# The fields each move's form shows (the others' errors are listed above the forms).
MOVE_FIELDS = {"assigned": ("assignee",), "answered": ("answer", "contact_method"), "dismissed": ("reason",)}


def _stray_errors(form: CaseMoveForm | None) -> list[str]:
    """Errors of fields the failed move's form does not show, so none goes unseen."""
    if form is None:
        return []
    shown = {"csrf_token", *MOVE_FIELDS.get(form.status.data, ())}
    if form.status.data in TRANSITIONS:
        shown.add("status")
    return [f"{field.label.text}: {error}" for field in form if field.name not in shown for error in field.errors]


def _case_page(case: Case, failed: CaseMoveForm | None = None, conflict: str | None = None, status: int = 200):
    return render_template(
        "admin/case.html",
        case=case,
        overdue=is_overdue(case),
        on_time=on_time(case),
        show_contact=g.user.role in CONTACT_ROLES,
        may_manage=g.user.role in LEVELS["manage"],
        moves=allowed_moves(case),
        move_labels=MOVE_LABELS,
        fresh=CaseMoveForm(formdata=None),
        failed=failed,
        failed_move=failed.status.data if failed is not None else None,
        stray_errors=_stray_errors(failed),
        conflict=conflict,
    ), status


@bp.get("/admin/cases/<int(max=2147483647):case_id>")
@access("read")
def case_detail(case_id: int):
    return _case_page(_case_or_404(case_id))


def _move(form: CaseMoveForm) -> Move:
    return Move(
        status=form.status.data,
        answer=form.answer.data or None,
        contact_method=form.contact_method.data or None,
        assignee=form.assignee.data or None,
        reason=form.reason.data or None,
    )


@bp.post("/admin/cases/<int(max=2147483647):case_id>/move")
@access("manage")
def case_move(case_id: int):
    case = _case_or_404(case_id)
    before = case.status
    form = CaseMoveForm()
    try:
        moved = form.submit(lambda: transition(g.actor, case, _move(form)))
    except Conflict:
        message = _(
            "Phản ánh #%(id)d đang ở trạng thái “%(status)s” nên không thể “%(move)s”. "
            "Có thể ai đó vừa cập nhật phản ánh này: hãy xem lại trạng thái hiện tại bên dưới.",
            id=case.id,
            status=case_status(before),
            move=_label(MOVE_LABELS, form.status.data),
        )
        return _case_page(case, conflict=message, status=409)
    if not moved:
        return _case_page(case, failed=form, status=422)
    flash(
        _(
            "Phản ánh #%(id)d: %(before)s → %(after)s.",
            id=case.id,
            before=case_status(before),
            after=case_status(case.status),
        )
    )
    return redirect(url_for("admin.case_detail", case_id=case.id))


# --- Feedback recorded by staff --------------------------------------------------------------


def _scoped_points() -> list[Point]:
    query = sa.select(Point).join(Unit).where(Point.active.is_(True)).order_by(Unit.code, Point.code)
    if g.scope is not None:
        query = query.where(Point.unit_id.in_(g.scope))
    return list(db.session.scalars(query))


def _manual_case(form: ManualCaseForm) -> ManualCase:
    consented = form.has_contact and form.consent.data
    return ManualCase(
        unit_code=form.unit.data,
        content=form.content.data,
        channel=form.channel.data,
        received_on=form.received_on.data.astimezone(UTC),
        kind=form.kind.data,
        point_code=form.point.data or None,
        contact_name=form.contact_name.data or None,
        contact_phone=form.contact_phone.data or None,
        contact_email=form.contact_email.data or None,
        # The text stored is the text the page showed next to the box.
        consent_text=consent_text() if consented else None,
    )


@bp.route("/admin/cases/new", methods=["GET", "POST"])
@access("manage")
def case_new():
    form = ManualCaseForm()
    if not form.is_submitted():
        form.received_on.data = utcnow()
        form.unit.data = g.user.unit.code if g.user.unit else None
    if form.submit(lambda: record_manual(g.actor, _manual_case(form))):
        case = form.outcome
        flash(_("Đã ghi nhận phản ánh #%(id)d, hạn trả lời %(due)s.", id=case.id, due=ddmmyyyy(case.due)))
        return redirect(url_for("admin.case_detail", case_id=case.id))
    return render_template(
        "admin/case_new.html",
        form=form,
        units=scoped_units(),
        points=_scoped_points(),
        consent=consent_text(),
    ), form.http_status
