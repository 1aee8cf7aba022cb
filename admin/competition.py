"""The competition (thi đua): the periods with their stages; a period's score sheet, live or as a
frozen sơ kết / tổng kết, per competition group; each unit's assessment page (its own figures of
items 1-3 with evidence, the office's review, bonus and penalty lines, the history); the period's
score sheet settings and the imports; freezing, verifying, publishing, award proposals; the sheet
as XLSX and PDF for the award council.

Every figure comes from the core (`core.competition`): the page, the documents and the API show
the same rows, cut to the caller's scope (ranks stay those among every unit of a group). The core
returns codes (classes, sources, decisions); this module names them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import gettext as translated  # data looked up in the catalog, not a msgid

from admin import bp
from admin.access import access, get_or_404, posted_action, require_scope
from admin.formatting import localtime
from admin.forms import (
    COMPETITION_ITEM_LABELS,
    DECISION_LABELS,
    ITEM4_LABELS,
    ITEM_SOURCE_LABELS,
    STAGE_LABELS,
    AdjustmentForm,
    AdminForm,
    AssessmentForm,
    CompetitionImportForm,
    CompetitionSettingsForm,
    DecisionForm,
    EvidenceForm,
    LiveIndexForm,
    PublishForm,
    ReviewForm,
    StageForm,
)
from core.competition import inputs, reviews
from core.competition.publicity import live_index_shown, show_live_index
from core.competition.settings import set_settings, settings_of
from core.competition.sheet import live_sheet, stage_range
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.models import (
    ASSESSED_ITEMS,
    STAGES,
    AssessmentEntry,
    CompetitionPeriod,
    EvidenceFile,
    FrozenReview,
    ScoreAdjustment,
    Unit,
)
from core.org.imports import ImportFailed
from core.org.periods import period_by_code
from core.org.units import unit_by_code
from core.reporting import competition_documents as documents
from core.timeutil import utcnow

ITEMS = ("1", "2", "3", "4", "5", "6")
SHOWN_IMPORT_ERRORS = 20
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


# --- The screens' names of the core's codes ----------------------------------------------------


@bp.app_template_filter("sheet_score")
def sheet_score(value) -> str:
    """A score with two decimals in the reader's locale (86,50 in Vietnamese)."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.00")


@bp.app_template_filter("item_source")
def item_source(code: str | None) -> str:
    return str(ITEM_SOURCE_LABELS.get(code or "", code or "–"))


@bp.app_template_filter("stage_label")
def stage_label(code: str | None) -> str:
    return str(STAGE_LABELS.get(code or "", _("Số liệu hiện tại")))


@bp.app_template_filter("decision_label")
def decision_label(code: str | None) -> str:
    return str(DECISION_LABELS.get(code or "", "–"))


# --- Look-ups ------------------------------------------------------------------------------------


def _period_or_404(code: str) -> CompetitionPeriod:
    period = period_by_code(code)
    if period is None:
        abort(404)
    return period


def _unit_or_404(code: str) -> Unit:
    """A unit of the caller's scope; another unit does not exist for it."""
    unit = unit_by_code(code)
    if unit is None:
        abort(404)
    require_scope(unit.id)
    return unit


def _stage_arg() -> str | None:
    """`?stage=so_ket|tong_ket`; none is the live sheet; anything else names no sheet."""
    stage = request.args.get("stage") or None
    if stage is not None and stage not in STAGES:
        abort(404)
    return stage


def _review_or_404(period: CompetitionPeriod, stage: str | None) -> FrozenReview:
    review = reviews.review_of(period, stage) if stage in STAGES else None
    if review is None:
        abort(404)
    return review


def _is_office() -> bool:
    return g.user.role == "province_admin"


# --- The sheet, as every view of it reads it ------------------------------------------------------


@dataclass
class Sheet:
    """A sheet cut to the caller's scope, with what the screens and documents add to its rows."""

    period: CompetitionPeriod
    stage: str | None
    review: FrozenReview | None
    rows: list[dict]
    first: date
    last: date
    class_labels: dict[str, str]
    min_sample: int
    unit_ids: dict[str, int] = field(default_factory=dict)

    @property
    def as_of(self) -> datetime | None:
        return self.review.frozen_at if self.review is not None else None

    def groups(self) -> list[tuple[str | None, str | None, list[dict]]]:
        """(group code, group name, rows) in the sheet's order; units without a group last."""
        grouped: dict[str | None, tuple[str | None, list[dict]]] = {}
        for row in self.rows:
            grouped.setdefault(row.get("group"), (row.get("group_name"), []))[1].append(row)
        return [(code, *grouped[code]) for code in sorted(grouped, key=lambda code: code is None)]

    def assessed(self) -> dict[str, dict[int, dict[str, float]]]:
        """{unit code: {item: {"self": value, "review": value}}}: the unit's own figure and the
        office's, as they stood for this sheet (items 1-3)."""
        codes = {unit_id: code for code, unit_id in self.unit_ids.items()}
        figures: dict[str, dict[int, dict[str, float]]] = {}
        for (unit_id, item), kinds in inputs.latest_entries(self.period.id, self.as_of).items():
            if unit_id in codes:
                figures.setdefault(codes[unit_id], {})[item] = {kind: entry.value for kind, entry in kinds.items()}
        return figures

    def decisions(self) -> dict[str, tuple[str, str]]:
        if self.review is None:
            return {}
        return {decision.unit.code: (decision.decision, decision.reason) for decision in self.review.decisions}

    def evidence(self) -> dict[str, list[EvidenceFile]]:
        ids = {self.unit_ids[row["unit"]] for row in self.rows if row["unit"] in self.unit_ids}
        codes = {unit_id: code for code, unit_id in self.unit_ids.items()}
        files: dict[str, list[EvidenceFile]] = {}
        for row in inputs.evidence_of(self.period.id, ids):
            if self.as_of is None or row.uploaded_at <= self.as_of:
                files.setdefault(codes[row.unit_id], []).append(row)
        return files


def read_sheet(period: CompetitionPeriod, stage: str | None) -> Sheet:
    """The live sheet (stage None) or the frozen one (404 when that stage is not frozen)."""
    review = None
    if stage is None:
        rows = [row.as_dict() for row in live_sheet(period)]
        config = settings_of(period)
        first, last = stage_range(period, None)
        min_sample = int(current_app.config["MIN_SAMPLE"])
    else:
        review = _review_or_404(period, stage)
        rows, config, first, last = review.sheet, review.config, review.first, review.last
        min_sample = int(config.get("min_sample", current_app.config["MIN_SAMPLE"]))
    query = sa.select(Unit.code, Unit.id)
    if g.scope is not None:
        query = query.where(Unit.id.in_(g.scope))
    unit_ids = dict(db.session.execute(query).all())
    return Sheet(
        period=period,
        stage=stage,
        review=review,
        rows=[row for row in rows if row["unit"] in unit_ids],
        first=first,
        last=last,
        class_labels=_class_labels(config["classes"]),
        min_sample=min_sample,
        unit_ids=unit_ids,
    )


def _class_labels(classes: list[dict]) -> dict[str, str]:
    """The period's class labels in the reader's language (the default ones are in the catalog;
    labels an office typed are shown as typed)."""
    return {entry["code"]: translated(entry["label"]) for entry in classes}


# --- The periods -------------------------------------------------------------------------------


def _periods_page(import_form: CompetitionImportForm | None = None, import_errors: list[str] = ()):
    periods = db.session.scalars(
        sa.select(CompetitionPeriod).order_by(CompetitionPeriod.start_date.desc(), CompetitionPeriod.id.desc())
    ).all()
    frozen = {(row.period_id, row.stage): row for row in db.session.scalars(sa.select(FrozenReview))}
    failed = import_form is not None
    return render_template(
        "admin/competition_periods.html",
        periods=periods,
        frozen=frozen,
        stages=STAGES,
        is_office=_is_office(),
        import_form=import_form or CompetitionImportForm(formdata=None),
        import_errors=import_errors[:SHOWN_IMPORT_ERRORS],
        hidden_errors=max(0, len(import_errors) - SHOWN_IMPORT_ERRORS),
        live_index=live_index_shown(),
    ), (422 if failed else 200)


@bp.get("/admin/competition")
@access("read")
def competition_periods():
    return _periods_page()


@bp.post("/admin/competition/import")
@access("province")
def competition_import():
    """Figures of items 1-3 the office received, or dossier counts: the whole file or nothing."""
    form = CompetitionImportForm()
    if not form.validate_on_submit():
        return _periods_page(form)
    upload = form.file.data
    importer = inputs.import_assessments if form.kind.data == "assessments" else inputs.import_dossiers
    try:
        count = importer(g.actor, upload.read(), upload.filename)
    except ImportFailed as exc:
        form.form_errors.append(_("Không nhập được tệp %(name)s, chưa có gì thay đổi:", name=upload.filename))
        return _periods_page(form, exc.errors)
    flash(_("Đã nhập %(name)s: %(n)d dòng.", name=upload.filename, n=count))
    return redirect(url_for("admin.competition_periods"))


@bp.post("/admin/competition/live-index")
@access("province")
def competition_live_index():
    """The switch of the public page's live index (the last 30 days)."""
    form = LiveIndexForm()
    if not form.validate_on_submit():
        abort(400)
    on = form.on.data == "1"
    show_live_index(g.actor, on)
    flash(_("Trang công khai đang hiện chỉ số 30 ngày gần nhất.") if on else _("Đã tắt chỉ số 30 ngày gần nhất."))
    return redirect(url_for("admin.competition_periods"))


# --- The sheet page -------------------------------------------------------------------------------


def _decision_forms(sheet: Sheet, failed: DecisionForm | None, failed_unit: str | None) -> dict[str, DecisionForm]:
    if not (_is_office() and sheet.stage == "tong_ket"):
        return {}
    decided = sheet.decisions()
    forms = {}
    for row in sheet.rows:
        if row["unit"] == failed_unit and failed is not None:
            forms[row["unit"]] = failed
            continue
        decision, reason = decided.get(row["unit"], ("", ""))
        forms[row["unit"]] = DecisionForm(formdata=None, data={"decision": decision, "reason": reason})
    return forms


def _sheet_page(
    period: CompetitionPeriod,
    stage: str | None,
    *,
    verification: list[str] | None = None,
    conflict: str | None = None,
    failed: AdminForm | None = None,
    failed_unit: str | None = None,
    status: int = 200,
):
    sheet = read_sheet(period, stage)
    decision = failed if isinstance(failed, DecisionForm) else None
    return render_template(
        "admin/competition_sheet.html",
        sheet=sheet,
        period=period,
        stage=stage,
        groups=sheet.groups(),
        assessed=sheet.assessed(),
        decisions=sheet.decisions(),
        items=ITEMS,
        item_labels=COMPETITION_ITEM_LABELS,
        reviews_by_stage={name: reviews.review_of(period, name) for name in STAGES},
        is_office=_is_office(),
        may_manage=g.user.role in ("province_admin", "unit_manager"),
        verification=verification,
        conflict=conflict,
        stage_form=failed if isinstance(failed, StageForm) else None,
        decision_forms=_decision_forms(sheet, decision, failed_unit),
        failed_unit=failed_unit,
    ), status


@bp.get("/admin/competition/<period_code>")
@access("read")
def competition_sheet(period_code: str):
    return _sheet_page(_period_or_404(period_code), _stage_arg())


@bp.post("/admin/competition/<period_code>/freeze")
@access("province")
def competition_freeze(period_code: str):
    """Store the sơ kết or tổng kết as it stands; a stage is frozen once (409 the second time)."""
    period = _period_or_404(period_code)
    form = StageForm()
    try:
        frozen = form.submit(lambda: reviews.freeze(g.actor, period, form.stage.data))
    except Conflict:
        review = reviews.review_of(period, form.stage.data)
        message = _(
            "%(stage)s của đợt %(period)s đã được chốt lúc %(at)s, mỗi giai đoạn chỉ chốt một lần. "
            "Kết quả đã chốt ở bên dưới; số liệu mới chỉ thay đổi bảng điểm hiện tại.",
            stage=stage_label(form.stage.data),
            period=period.name,
            at=localtime(review.frozen_at),
        )
        return _sheet_page(period, form.stage.data, conflict=message, status=409)
    if not frozen:
        return _sheet_page(period, None, failed=form, status=422)
    flash(_("Đã chốt %(stage)s: %(n)d đơn vị.", stage=stage_label(form.stage.data), n=len(form.outcome.sheet)))
    return redirect(url_for("admin.competition_sheet", period_code=period.code, stage=form.stage.data))


@bp.get("/admin/competition/<period_code>/verify")
@access("province")
def competition_verify(period_code: str):
    """Recompute a frozen review from the raw data as of its freezing: every difference, or none."""
    period = _period_or_404(period_code)
    stage = _stage_arg()
    review = _review_or_404(period, stage)
    return _sheet_page(period, stage, verification=reviews.verify(review))


@bp.post("/admin/competition/<period_code>/publish")
@access("province")
def competition_publish(period_code: str):
    period = _period_or_404(period_code)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    review = _review_or_404(period, form.stage.data)
    published = form.published.data == "1"
    reviews.set_published(g.actor, review, published)
    stage = stage_label(review.stage)
    if published:
        flash(_("Đã công bố %(stage)s trên trang công khai.", stage=stage))
    else:
        flash(_("Đã thôi công bố %(stage)s.", stage=stage))
    return redirect(url_for("admin.competition_sheet", period_code=period.code, stage=review.stage))


@bp.post("/admin/competition/<period_code>/units/<unit_code>/decision")
@access("province")
def competition_decide(period_code: str, unit_code: str):
    """From the frozen tổng kết: propose the unit for an award or for criticism, or withdraw it."""
    period, unit = _period_or_404(period_code), _unit_or_404(unit_code)
    review = _review_or_404(period, "tong_ket")
    form = DecisionForm()
    decided = form.submit(
        lambda: reviews.decide(g.actor, review, unit, form.decision.data or None, form.reason.data or "")
    )
    if not decided:
        return _sheet_page(period, "tong_ket", failed=form, failed_unit=unit.code, status=422)
    if form.decision.data:
        flash(_("%(unit)s: %(decision)s.", unit=unit.name, decision=decision_label(form.decision.data)))
    else:
        flash(_("%(unit)s: không đề xuất.", unit=unit.name))
    url = url_for("admin.competition_sheet", period_code=period.code, stage="tong_ket")
    return redirect(f"{url}#unit-{unit.code}")


# --- Exports for the award council ---------------------------------------------------------------


def sheet_document(sheet: Sheet, group: str | None) -> documents.SheetDocument:
    rows = sheet.rows if group is None else [row for row in sheet.rows if row["group"] == group]
    if group is not None and not rows:
        abort(404)
    evidence = sheet.evidence()
    return documents.SheetDocument(
        period_code=sheet.period.code,
        period_name=sheet.period.name,
        stage=sheet.stage,
        first=sheet.first,
        last=sheet.last,
        rows=rows,
        class_labels=sheet.class_labels,
        min_sample=sheet.min_sample,
        generated=utcnow(),
        frozen_at=sheet.as_of,
        published=sheet.review is not None and sheet.review.published_at is not None,
        decisions=sheet.decisions(),
        evidence={code: [(row.item, row.original_name) for row in files] for code, files in evidence.items()},
        group_name=rows[0].get("group_name") if group is not None else None,
    )


@bp.get("/admin/competition/<period_code>/sheet.<fmt>")
@access("read")
def competition_export(period_code: str, fmt: str):
    """The sheet (live, or `?stage=`), all groups or `?group=<code>`, as XLSX, PDF or DOCX."""
    if fmt not in EXPORT_TYPES:
        abort(404)
    period = _period_or_404(period_code)
    stage = _stage_arg()
    group = request.args.get("group") or None
    doc = sheet_document(read_sheet(period, stage), group)
    render = {"xlsx": documents.sheet_xlsx, "pdf": documents.sheet_pdf, "docx": documents.sheet_docx}[fmt]
    data = render(doc)
    name = "-".join(part for part in ("thi-dua", period.code, stage or "hien-tai", group) if part)
    response = send_file(
        io.BytesIO(data), mimetype=EXPORT_TYPES[fmt], as_attachment=True, download_name=f"{name}.{fmt}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Settings ------------------------------------------------------------------------------------


def _settings_data(config: dict) -> dict:
    return {
        **{f"points_{item}": value for item, value in config["points"].items()},
        "item4": config["item4"],
        "classes": config["classes"],
    }


@bp.route("/admin/competition/<period_code>/settings", methods=["GET", "POST"])
@access("province")
def competition_settings(period_code: str):
    """The period's score sheet: points per item, item 4's rule, the classes and their cut-offs."""
    period = _period_or_404(period_code)
    form = CompetitionSettingsForm(data=_settings_data(settings_of(period)))
    if form.submit(lambda: set_settings(g.actor, period, form.config())):
        flash(_("Đã lưu bảng điểm của đợt %(name)s.", name=period.name))
        return redirect(url_for("admin.competition_settings", period_code=period.code))
    config = settings_of(period)
    return render_template(
        "admin/competition_settings.html",
        period=period,
        form=form,
        config=config,
        total=sum(config["points"].values()),
        item_labels=COMPETITION_ITEM_LABELS,
        item4_labels=ITEM4_LABELS,
        frozen=[review for review in (reviews.review_of(period, stage) for stage in STAGES) if review],
    ), form.http_status


# --- A unit's assessment page --------------------------------------------------------------------


@dataclass
class UnitForms:
    """The forms of a unit's page: fresh ones, or the one a refused submission re-renders."""

    assessment: AssessmentForm
    evidence: EvidenceForm
    adjustment: AdjustmentForm
    review: ReviewForm | None = None  # a refused review, for its item

    @classmethod
    def fresh(cls, period: CompetitionPeriod, unit: Unit, failed: AdminForm | None = None) -> UnitForms:
        def pick(kind, default):
            return failed if isinstance(failed, kind) else default()

        return cls(
            assessment=pick(AssessmentForm, lambda: AssessmentForm(formdata=None, data=_own_figures(period, unit))),
            evidence=pick(EvidenceForm, lambda: EvidenceForm(formdata=None)),
            adjustment=pick(AdjustmentForm, lambda: AdjustmentForm(formdata=None)),
            review=failed if isinstance(failed, ReviewForm) else None,
        )

    def review_for(self, item: int) -> ReviewForm:
        if self.review is not None and self.review.item.data == item:
            return self.review
        return ReviewForm(formdata=None, data={"item": item})


def _own_figures(period: CompetitionPeriod, unit: Unit) -> dict:
    """The unit's latest own figures, to start the self-assessment form from."""
    latest = inputs.latest_entries(period.id, None)
    data = {}
    for item in ASSESSED_ITEMS:
        own = latest.get((unit.id, item), {}).get("self")
        if own is not None:
            data[f"value_{item}"], data[f"note_{item}"] = own.value, own.note
    return data


def _unit_page(period: CompetitionPeriod, unit: Unit, forms: UnitForms, status: int = 200):
    history = db.session.scalars(
        sa.select(AssessmentEntry)
        .where(AssessmentEntry.period_id == period.id, AssessmentEntry.unit_id == unit.id)
        .order_by(AssessmentEntry.id.desc())
    ).all()
    latest = inputs.latest_entries(period.id, None)
    lines = db.session.scalars(
        sa.select(ScoreAdjustment)
        .where(ScoreAdjustment.period_id == period.id, ScoreAdjustment.unit_id == unit.id)
        .order_by(ScoreAdjustment.id)
    ).all()
    row = next((r.as_dict() for r in live_sheet(period) if r.unit == unit.code), None)
    return render_template(
        "admin/competition_unit.html",
        period=period,
        unit=unit,
        row=row,
        class_labels=_class_labels(settings_of(period)["classes"]),
        items=ITEMS,
        assessed_items=ASSESSED_ITEMS,
        item_labels=COMPETITION_ITEM_LABELS,
        current={item: latest.get((unit.id, item), {}) for item in ASSESSED_ITEMS},
        history=history,
        files=inputs.evidence_of(period.id, {unit.id}),
        lines=lines,
        forms=forms,
        is_office=_is_office(),
        failed_item=forms.review.item.data if forms.review is not None else None,
    ), status


def _self_assess(period: CompetitionPeriod, unit: Unit, form: AssessmentForm) -> list[AssessmentEntry]:
    """Record each item given a figure that differs from the unit's latest one; a refusal names the
    item's own fields."""
    latest = inputs.latest_entries(period.id, None)
    recorded = []
    for item, value, note in form.figures():
        own = latest.get((unit.id, item), {}).get("self")
        if own is not None and abs(own.value - value) < 1e-9 and own.note == note:
            continue
        try:
            recorded.append(inputs.self_assess(g.actor, period, unit, item, value, note))
        except ValidationFailed as exc:
            renamed = {f"{key}_{item}" if key in ("value", "note") else key: text for key, text in exc.fields.items()}
            raise ValidationFailed(exc.message, renamed) from exc
    return recorded


def _to_unit_page(period: CompetitionPeriod, unit: Unit, anchor: str = ""):
    url = url_for("admin.competition_unit", period_code=period.code, unit_code=unit.code)
    return redirect(f"{url}#{anchor}" if anchor else url)


@bp.route("/admin/competition/<period_code>/units/<unit_code>", methods=["GET", "POST"])
@access("manage")
def competition_unit(period_code: str, unit_code: str):
    """The unit's own figures of items 1-3 (a unit manager for its units, and the office)."""
    period, unit = _period_or_404(period_code), _unit_or_404(unit_code)
    form = AssessmentForm(data=_own_figures(period, unit))
    if form.submit(lambda: _self_assess(period, unit, form)):
        recorded = form.outcome
        if recorded:
            items = ", ".join(str(entry.item) for entry in recorded)
            flash(_("Đã ghi số liệu tự đánh giá mục %(items)s.", items=items))
        else:
            flash(_("Số liệu không thay đổi, không ghi thêm."))
        return _to_unit_page(period, unit)
    return _unit_page(period, unit, UnitForms.fresh(period, unit, form), form.http_status)


@bp.post("/admin/competition/<period_code>/units/<unit_code>/evidence")
@access("manage")
def competition_evidence_add(period_code: str, unit_code: str):
    period, unit = _period_or_404(period_code), _unit_or_404(unit_code)
    form = EvidenceForm()

    def store():
        upload = form.file.data
        return inputs.add_evidence(
            g.actor, period, unit, form.item.data, inputs.Upload(upload.filename or "", upload.read())
        )

    if not form.submit(store):
        return _unit_page(period, unit, UnitForms.fresh(period, unit, form), 422)
    flash(_("Đã lưu minh chứng %(name)s cho mục %(item)d.", name=form.outcome.original_name, item=form.outcome.item))
    return _to_unit_page(period, unit, "evidence")


@bp.get("/admin/evidence/<int(max=2147483647):evidence_id>")
@access("read")
def evidence_file(evidence_id: int):
    """An evidence file, to the unit's own accounts and the office only, always as a download."""
    row = get_or_404(EvidenceFile, evidence_id)
    require_scope(row.unit_id)
    path = inputs.evidence_path(row)
    if not path.is_file():
        abort(404)
    # Read whole (a few MiB at most): no file handle stays open on an unread response.
    data = io.BytesIO(path.read_bytes())
    response = send_file(data, mimetype=row.content_type, as_attachment=True, download_name=row.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/admin/competition/<period_code>/units/<unit_code>/review")
@access("province")
def competition_review(period_code: str, unit_code: str):
    """The office accepts the unit's figure of an item, or adjusts it with a reason."""
    period, unit = _period_or_404(period_code), _unit_or_404(unit_code)
    form = ReviewForm()
    reviewed = form.submit(
        lambda: inputs.review(
            g.actor,
            period,
            unit,
            form.item.data,
            form.value.data if form.adjusting else None,
            form.note.data or "" if form.adjusting else "",
        )
    )
    if not reviewed:
        return _unit_page(period, unit, UnitForms.fresh(period, unit, form), 422)
    if form.adjusting:
        flash(_("Mục %(item)d: đã điều chỉnh thành %(value)s%%.", item=form.item.data, value=_pct(form.value.data)))
    else:
        flash(_("Mục %(item)d: đã chấp nhận số liệu của đơn vị.", item=form.item.data))
    return _to_unit_page(period, unit, "review")


def _pct(value: float) -> str:
    return format_decimal(value, format="#,##0.0")


@bp.post("/admin/competition/<period_code>/units/<unit_code>/adjustments")
@access("province")
def competition_adjustment_add(period_code: str, unit_code: str):
    period, unit = _period_or_404(period_code), _unit_or_404(unit_code)
    form = AdjustmentForm()
    if not form.submit(lambda: inputs.add_adjustment(g.actor, period, unit, form.signed_points, form.reason.data)):
        return _unit_page(period, unit, UnitForms.fresh(period, unit, form), 422)
    flash(_("Đã thêm dòng %(points)s điểm: %(reason)s.", points=f"{form.signed_points:+g}", reason=form.reason.data))
    return _to_unit_page(period, unit, "adjustments")


@bp.post("/admin/competition/adjustments/<int(max=2147483647):adjustment_id>/withdraw")
@access("province")
def competition_adjustment_withdraw(adjustment_id: int):
    line = get_or_404(ScoreAdjustment, adjustment_id)
    require_scope(line.unit_id)
    posted_action()
    inputs.withdraw_adjustment(g.actor, line)
    flash(_("Đã rút dòng điểm: %(reason)s.", reason=line.reason))
    period = db.session.get(CompetitionPeriod, line.period_id)
    return _to_unit_page(period, db.session.get(Unit, line.unit_id), "adjustments")
