"""The audit log: who (an account, a kiosk tablet or the system) did what to which object, and what
changed, read as sentences in the reader's language: "nguyenvan đã chuyển Thanh tra TP Hội An từ
Cụm đồng bằng sang Cụm miền núi", never `unit.update` and codes.

Every action `core.audit.record` is called with has a sentence here; the codes a row holds (units,
groups, points, periods, devices, criteria, reasons) are shown by their names. An action without
a sentence still reads as one (what was done to which kind of object), never as its code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from admin import bp
from admin.access import access
from admin.formatting import (
    CHANNEL_LABELS,
    FLAG_LABELS,
    ROLE_LABELS,
    UNIT_KIND_LABELS,
    change_lines,
    shown_value,
    vndate,
)
from admin.forms import (
    CASE_KIND_LABELS,
    CASE_SOURCE_LABELS,
    CASE_STATUS_LABELS,
    DECISION_LABELS,
    ITEM4_LABELS,
    MANUAL_CHANNEL_LABELS,
    MILESTONE_LABELS,
    REMINDER_REASON_LABELS,
    RULE_KIND_LABELS,
    STAGE_LABELS,
)
from core.extensions import db
from core.models import AuditLog, CompetitionGroup, CompetitionPeriod, Criterion, KioskDevice, Point, Reason, Unit

PER_PAGE = 100
MAX_PAGE = 100_000

# One sentence per action. Placeholders: who, and what the target names (unit, group, point,
# user, period, stage, item, device, case, alert, rule, day, file, survey, old, new).
SENTENCES = {
    "unit.update": _l("%(who)s đã sửa thông tin đơn vị %(unit)s"),
    "unit.move": _l("%(who)s đã chuyển %(unit)s từ %(old)s sang %(new)s"),
    "unit.remind": _l("%(who)s đã gửi lời nhắc tới %(unit)s"),
    "group.create": _l("%(who)s đã tạo khối, cụm thi đua %(group)s"),
    "group.update": _l("%(who)s đã sửa khối, cụm thi đua %(group)s"),
    "point.create": _l("%(who)s đã tạo điểm tiếp nhận %(point)s"),
    "point.rename": _l("%(who)s đã đổi tên điểm tiếp nhận %(point)s"),
    "point.rotate_token": _l("%(who)s đã đổi mã QR của điểm tiếp nhận %(point)s"),
    "point.activate": _l("%(who)s đã mở lại điểm tiếp nhận %(point)s"),
    "point.deactivate": _l("%(who)s đã ngừng điểm tiếp nhận %(point)s"),
    "point.visit_codes": _l("%(who)s đã tạo mã phiếu hẹn cho điểm tiếp nhận %(point)s"),
    "device.pairing_code": _l("%(who)s đã tạo mã ghép máy tính bảng cho điểm tiếp nhận %(point)s"),
    "device.pair": _l("%(who)s đã được ghép với điểm tiếp nhận %(point)s"),
    "device.rename": _l("%(who)s đã đổi tên máy tính bảng %(device)s"),
    "device.revoke": _l("%(who)s đã thu hồi máy tính bảng %(device)s"),
    "user.create": _l("%(who)s đã tạo tài khoản %(user)s"),
    "user.email": _l("%(who)s đã đổi thư điện tử của tài khoản %(user)s"),
    "user.reset_password": _l("%(who)s đã cấp mật khẩu tạm cho tài khoản %(user)s"),
    "user.activate": _l("%(who)s đã mở khoá tài khoản %(user)s"),
    "user.deactivate": _l("%(who)s đã khoá tài khoản %(user)s"),
    "password.change": _l("%(who)s đã đổi mật khẩu của mình"),
    "login": _l("%(who)s đã đăng nhập"),
    "token.create": _l("%(who)s đã tạo khoá truy cập API"),
    "token.revoke": _l("%(who)s đã thu hồi khoá truy cập API"),
    "period.create": _l("%(who)s đã tạo đợt thi đua %(period)s"),
    "period.settings": _l("%(who)s đã sửa cách chấm điểm của đợt thi đua %(period)s"),
    "milestone.create": _l("%(who)s đã thêm một mốc vào đợt thi đua %(period)s"),
    "milestone.delete": _l("%(who)s đã xoá một mốc của đợt thi đua %(period)s"),
    "review.freeze": _l("%(who)s đã chốt kết quả %(stage)s của đợt thi đua %(period)s"),
    "review.publish": _l("%(who)s đã công bố kết quả %(stage)s của đợt thi đua %(period)s"),
    "review.unpublish": _l("%(who)s đã thôi công bố kết quả %(stage)s của đợt thi đua %(period)s"),
    "review.decision": _l("%(who)s đã đề xuất về %(unit)s theo kết quả %(stage)s của đợt thi đua %(period)s"),
    "review.decision_withdraw": _l(
        "%(who)s đã rút đề xuất về %(unit)s theo kết quả %(stage)s của đợt thi đua %(period)s"
    ),
    "assessment.self": _l("%(who)s đã nhập số liệu tự đánh giá mục %(item)s của %(unit)s (%(period)s)"),
    "assessment.accept": _l("%(who)s đã chấp nhận số liệu mục %(item)s của %(unit)s (%(period)s)"),
    "assessment.adjust": _l("%(who)s đã điều chỉnh số liệu mục %(item)s của %(unit)s (%(period)s)"),
    "evidence.add": _l("%(who)s đã tải lên minh chứng mục %(item)s của %(unit)s (%(period)s)"),
    "adjustment.add": _l("%(who)s đã cộng hoặc trừ điểm của %(unit)s (%(period)s)"),
    "adjustment.withdraw": _l("%(who)s đã rút một khoản cộng, trừ điểm"),
    "import.units": _l("%(who)s đã nhập danh sách đơn vị từ tệp %(file)s"),
    "import.points": _l("%(who)s đã nhập danh sách điểm tiếp nhận từ tệp %(file)s"),
    "import.groups": _l("%(who)s đã nhập danh sách khối, cụm thi đua từ tệp %(file)s"),
    "import.assessments": _l("%(who)s đã nhập số liệu tự đánh giá từ tệp %(file)s"),
    "import.dossiers": _l("%(who)s đã nhập số hồ sơ từ tệp %(file)s"),
    "calendar.set": _l("%(who)s đã đặt ngày %(day)s trong lịch làm việc"),
    "calendar.remove": _l("%(who)s đã bỏ ngày %(day)s khỏi lịch làm việc"),
    "calendar.import": _l("%(who)s đã nhập lịch làm việc từ tệp"),
    "case.open": _l("%(who)s đã mở phản ánh số %(case)s"),
    "case.record": _l("%(who)s đã ghi nhận phản ánh số %(case)s"),
    "case.move": _l("%(who)s đã chuyển phản ánh số %(case)s sang “%(status)s”"),
    "case.overdue_notice": _l("%(who)s đã gửi thông báo về các phản ánh quá hạn"),
    "survey.new_version": _l("%(who)s đã tạo phiên bản mới của bảng câu hỏi (%(survey)s)"),
    "survey.activate": _l("%(who)s đã áp dụng bảng câu hỏi %(survey)s"),
    "privacy.erase": _l("%(who)s đã xoá thông tin liên hệ đã hết thời hạn lưu giữ"),
    "alert.open": _l("%(who)s đã mở cảnh báo số %(alert)s"),
    "alert.acknowledge": _l("%(who)s đã xác nhận cảnh báo số %(alert)s"),
    "alert_rule.create": _l("%(who)s đã tạo quy tắc cảnh báo số %(rule)s"),
    "alert_rule.activate": _l("%(who)s đã bật quy tắc cảnh báo số %(rule)s"),
    "alert_rule.deactivate": _l("%(who)s đã tắt quy tắc cảnh báo số %(rule)s"),
    "public.live_index.on": _l("%(who)s đã bật chỉ số 30 ngày gần nhất trên trang công khai"),
    "public.live_index.off": _l("%(who)s đã tắt chỉ số 30 ngày gần nhất trên trang công khai"),
    "response.flag": _l("%(who)s đã đổi đánh dấu của một câu trả lời"),
}
# An action without a sentence: its object (the code's first part) and verb (the last part).
OBJECTS = {
    "unit": _l("đơn vị"),
    "group": _l("khối, cụm thi đua"),
    "point": _l("điểm tiếp nhận"),
    "device": _l("máy tính bảng"),
    "user": _l("tài khoản"),
    "token": _l("khoá truy cập API"),
    "period": _l("đợt thi đua"),
    "milestone": _l("mốc"),
    "review": _l("kết quả thi đua"),
    "assessment": _l("số liệu tự đánh giá"),
    "evidence": _l("minh chứng"),
    "adjustment": _l("điểm cộng, trừ"),
    "import": _l("dữ liệu nhập từ tệp"),
    "calendar": _l("lịch làm việc"),
    "case": _l("phản ánh"),
    "survey": _l("bảng câu hỏi"),
    "alert": _l("cảnh báo"),
    "alert_rule": _l("quy tắc cảnh báo"),
    "export": _l("tệp xuất báo cáo"),
    "settings": _l("thiết lập"),
}
VERBS = {
    "create": _l("tạo"),
    "add": _l("thêm"),
    "update": _l("sửa"),
    "edit": _l("sửa"),
    "rename": _l("đổi tên"),
    "delete": _l("xoá"),
    "remove": _l("xoá"),
    "activate": _l("bật"),
    "deactivate": _l("tắt"),
    "revoke": _l("thu hồi"),
    "publish": _l("công bố"),
    "import": _l("nhập"),
    "start": _l("bắt đầu"),
    "finish": _l("hoàn tất"),
}
GENERIC_WITH_VERB = _l("%(who)s đã %(verb)s %(object)s %(target)s")
GENERIC = _l("%(who)s đã thực hiện một thao tác với %(object)s %(target)s")
SOMETHING = _l("dữ liệu")
# Values a row holds as codes, by field: the label dictionaries the screens use.
VALUE_LABELS = {
    "role": ROLE_LABELS,
    "status": CASE_STATUS_LABELS,
    "decision": DECISION_LABELS,
    "channel": {**CHANNEL_LABELS, **MANUAL_CHANNEL_LABELS},
    "source": CASE_SOURCE_LABELS,
    "reasons": REMINDER_REASON_LABELS,
    "flag": FLAG_LABELS,
}
# "kind" means a different thing for each object.
KIND_LABELS = {
    "unit": UNIT_KIND_LABELS,
    "import": UNIT_KIND_LABELS,
    "milestone": MILESTONE_LABELS,
    "alert_rule": RULE_KIND_LABELS,
    "case": CASE_KIND_LABELS,
}
_NUMBERED = re.compile(r"(?:case|alert|rule|device|token|adjustment) (\d+)")
_ITEM = re.compile(r"(\S+) (\S+) item (\d+)")


@dataclass
class Names:
    """The names of what audit rows refer to by code, loaded once per page."""

    units: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    points: dict[str, str] = field(default_factory=dict)
    periods: dict[str, str] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)
    criteria: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Names:
        pairs = lambda *columns: {str(k): v for k, v in db.session.execute(sa.select(*columns)).all()}  # noqa: E731
        return cls(
            units=pairs(Unit.code, Unit.name),
            groups=pairs(CompetitionGroup.code, CompetitionGroup.name),
            points=pairs(Point.code, Point.name),
            periods=pairs(CompetitionPeriod.code, CompetitionPeriod.name),
            devices={k: v for k, v in pairs(KioskDevice.id, KioskDevice.name).items() if v},
            criteria=pairs(Criterion.code, Criterion.label),
            reasons=pairs(Reason.code, Reason.label),
        )

    def unit(self, code) -> str:
        return self.units.get(str(code), str(code)) if code else _("chưa thuộc đơn vị nào")

    def group(self, code) -> str:
        return self.groups.get(str(code), str(code)) if code else _("không thuộc khối, cụm nào")

    def point(self, code) -> str:
        return f"{self.points[code]} ({code})" if code in self.points else str(code)

    def period(self, code) -> str:
        return self.periods.get(str(code), str(code))


@dataclass
class Entry:
    row: AuditLog
    who: str
    sentence: str
    lines: list[str]


def actor_name(row: AuditLog) -> str:
    if row.user is not None:
        return row.user.username
    if row.device is not None:
        return _("máy %(name)s", name=row.device.name or f"#{row.device.id}")
    return _("Hệ thống")


def _review_values(target: str, names: Names) -> dict[str, str]:
    parts = target.split()
    return {
        "period": names.period(parts[0]) if parts else target,
        "stage": str(STAGE_LABELS.get(parts[1], parts[1])).lower() if len(parts) > 1 else "",
        "unit": names.unit(parts[2]) if len(parts) > 2 else "",
    }


def _competition_values(target: str, names: Names) -> dict[str, str]:
    """ "PERIOD UNIT item N" (assessments, evidence) or "PERIOD UNIT" (adjustments)."""
    item = _ITEM.fullmatch(target)
    if item:
        return {"period": names.period(item.group(1)), "unit": names.unit(item.group(2)), "item": item.group(3)}
    parts = target.split()
    return {"period": names.period(parts[0]), "unit": names.unit(parts[1])} if len(parts) == 2 else {}


def _file_values(target: str, names: Names) -> dict[str, str]:
    day = vndate(target) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", target) else target
    return {"file": target, "day": day}


# What a target names, by the action's object (the code's first part).
TARGETS = {
    "unit": lambda target, names: {"unit": names.unit(target)},
    "group": lambda target, names: {"group": names.group(target)},
    "point": lambda target, names: {"point": names.point(target)},
    "user": lambda target, names: {"user": target},
    "period": lambda target, names: {"period": names.period(target)},
    "milestone": lambda target, names: {"period": names.period(target)},
    "review": _review_values,
    "assessment": _competition_values,
    "evidence": _competition_values,
    "adjustment": _competition_values,
    "import": _file_values,
    "calendar": _file_values,
    "survey": lambda target, names: {"survey": target},
}


def _target_values(action: str, target: str, changes: dict, names: Names) -> dict[str, str]:
    """What the target (and a few changes) name, under the placeholders of the sentences."""
    family = action.split(".", 1)[0]
    values: dict[str, str] = {}
    numbered = _NUMBERED.fullmatch(target)
    if numbered:
        number = numbered.group(1)
        values.update(dict.fromkeys(("case", "alert", "rule", "device"), number))
        values["device"] = names.devices.get(number, number)
    if action in ("device.pairing_code", "device.pair"):
        family = "point"
    if family in TARGETS:
        values.update(TARGETS[family](target, names))
    if family == "case" and isinstance(changes.get("status"), list):
        values["status"] = str(CASE_STATUS_LABELS.get(changes["status"][1], changes["status"][1]))
    return values


def _sentence_key(action: str, changes: dict) -> str:
    if action == "unit.update" and isinstance(changes.get("group"), list):
        return "unit.move"
    if action == "public.live_index":
        on = changes.get("on")
        return "public.live_index.on" if (on[1] if isinstance(on, list) else on) else "public.live_index.off"
    family = action.split(".", 1)[0]
    if family == "case" and action not in SENTENCES and isinstance(changes.get("status"), list):
        return "case.move"
    return action


def _generic(action: str, who: str, target: str) -> str:
    parts = action.split(".")
    thing = OBJECTS.get(parts[0], SOMETHING)
    verb = VERBS.get(parts[-1]) if len(parts) > 1 else None
    # A target that is itself a code (dotted or snake_case) is left out rather than shown raw.
    target = "" if re.fullmatch(r"[a-z0-9]+([._][a-z0-9]+)+", target or "") else target
    if verb is not None:
        return str(GENERIC_WITH_VERB % {"who": who, "verb": verb, "object": thing, "target": target}).strip()
    return str(GENERIC % {"who": who, "object": thing, "target": target}).strip()


def _joined(labels):
    """A namer of a comma-joined list of codes, each by its label."""
    return lambda value: ", ".join(str(labels.get(part.strip(), part.strip())) for part in str(value).split(","))


def _item_points(value) -> str:
    """A score sheet's points per plan item ({"1": 10, ...}) as "mục 1: 10, mục 2: 10, …"."""
    if not isinstance(value, dict):
        return shown_value(value)
    return ", ".join(_("mục %(item)s: %(points)s", item=k, points=shown_value(v)) for k, v in value.items())


def _classes(value) -> str:
    """A score sheet's classes ([{"code", "label", "min"}, ...]) as "Xuất sắc (từ 90), …, Yếu"."""
    if not isinstance(value, list):
        return shown_value(value)
    shown = []
    for rank in value:
        if not isinstance(rank, dict):
            continue
        label = str(rank.get("label", ""))
        cutoff = rank.get("min")
        shown.append(label if cutoff is None else _("%(label)s (từ %(min)s)", label=label, min=shown_value(cutoff)))
    return ", ".join(shown) or "–"


def _value_namer(action: str, names: Names):
    family = action.split(".", 1)[0]
    namers = {
        "unit": names.unit,
        "parent": names.unit,
        "leader": names.unit,
        "group": names.group,
        "point": names.point,
        "scope": lambda value: names.point(value) if value in names.points else names.unit(value),
        "periods": lambda value: ", ".join(names.period(c.strip()) for c in str(value).split(",") if c.strip()),
        "criteria": _joined(names.criteria),
        "device": lambda value: names.devices.get(str(value), shown_value(value)),
        **{name: _joined(labels) for name, labels in VALUE_LABELS.items()},
    }
    if family == "survey":
        namers["reasons"] = _joined(names.reasons)
    if action == "period.settings":
        namers.update(points=_item_points, classes=_classes, item4=_joined(ITEM4_LABELS))
    if family in KIND_LABELS:
        namers["kind"] = _joined(KIND_LABELS[family])

    def shown(field_name: str, value) -> str:
        namer = namers.get(field_name)
        numeric = isinstance(value, bool | int | float) and field_name != "device"
        if value is None or value == "" or namer is None or numeric:
            return shown_value(value)
        return namer(value) or "–"

    return shown


def describe(row: AuditLog, names: Names) -> Entry:
    changes = dict(row.changes or {})
    who = actor_name(row)
    key = _sentence_key(row.action, changes)
    values = {"who": who, **_target_values(row.action, row.target or "", changes, names)}
    if key == "unit.move":
        old, new = changes.pop("group")
        values.update(old=names.group(old), new=names.group(new))
    if key == "case.move":
        changes.pop("status", None)
    if isinstance(changes.get("cases"), list):
        # A list of case numbers, not a [before, after] pair.
        changes["cases"] = ", ".join(str(number) for number in changes["cases"])
    template = SENTENCES.get(key)
    try:
        sentence = str(template % values) if template is not None else _generic(row.action, who, row.target or "")
    except KeyError:
        sentence = _generic(row.action, who, row.target or "")
    if key.startswith("public.live_index"):
        changes.pop("on", None)
    if row.action.endswith((".create", ".add")):
        # A creation has no "before": show what it was created with, and leave out the blanks.
        changes = {k: v[1] if isinstance(v, list) and len(v) == 2 and v[0] is None else v for k, v in changes.items()}
        changes = {k: v for k, v in changes.items() if v not in (None, "")}
    return Entry(row, who, sentence, change_lines(changes, _value_namer(row.action, names)))


@bp.get("/admin/audit")
@access("province")
def audit_log():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    pagination = db.paginate(
        sa.select(AuditLog)
        .options(selectinload(AuditLog.user), selectinload(AuditLog.device))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
    names = Names.load() if pagination.items else Names()
    entries = [describe(row, names) for row in pagination.items]
    return render_template("admin/audit.html", pagination=pagination, entries=entries)
