"""Every form of the admin door, as WTForms classes on `core.forms.GuardedForm`.

A form checks what a person can correct on the spot (a field left empty, text longer than its
column, a date that is not one) with a friendly Vietnamese message next to the field; the core
operation it feeds checks the rest (unknown codes, duplicates, loops) and refuses with
`ValidationFailed`, which `AdminForm.attach` puts onto the same fields. Lengths are the columns'
lengths as the core exports them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, StopValidation

from core.errors import ValidationFailed
from core.forms import GuardedForm
from core.inputs import EARLIEST, LATEST, clean_text, in_calendar
from core.org import accounts, devices, periods, points, units
from core.org.imports import GROUP_COLUMNS, UNIT_COLUMNS
from core.ratings import surveys
from core.ratings.surveys import CriterionSpec, ReasonSpec

REQUIRED = _l("Vui lòng điền mục này.")
TOO_LONG = _l("Tối đa %(max)d ký tự.")
NOT_USABLE = _l("Giá trị này chưa dùng được, xem chi tiết bên dưới.")
# Printing slips is a counter task: a few hundred at a time (the core allows larger batches).
MAX_SLIPS = 500
YES_WORDS = ("có", "co", "yes", "x", "1", "bắt buộc")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Identifier:
    """Codes and user names are identifiers: a control character in one is refused, not dropped
    (free text, by contrast, is cleaned by GuardedForm)."""

    message = _l("Không được chứa ký tự điều khiển (ví dụ ký tự NUL).")

    def __call__(self, form, field) -> None:
        raw = field.raw_data[0] if field.raw_data else ""
        if isinstance(raw, str) and any(unicodedata.category(ch) in ("Cc", "Cs") for ch in raw):
            raise StopValidation(self.message)


class InCalendar:
    message = _l("Ngày phải từ %(first)s đến %(last)s.")

    def __call__(self, form, field) -> None:
        if field.data is not None and not in_calendar(field.data):
            raise StopValidation(self.message % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()})


def text_field(label, max_length: int, *, required: bool = True) -> StringField:
    """Free text, cleaned and stripped, within its column."""
    first = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(label, validators=[first, Length(max=max_length, message=TOO_LONG)], filters=[_strip])


def code_field(label, max_length: int, *, required: bool = True) -> StringField:
    """An identifier (a code, a user name): refused when it holds a control character."""
    first = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(
        label, validators=[Identifier(), first, Length(max=max_length, message=TOO_LONG)], filters=[_strip]
    )


class LocalDateField(DateField):
    """A YYYY-MM-DD date within the service's calendar; empty is "missing", not "malformed"."""

    def __init__(self, label, **kwargs):
        super().__init__(
            label,
            validators=[InputRequired(message=REQUIRED), InCalendar()],
            invalid_value_message=_l("Ngày không hợp lệ: dùng dạng năm-tháng-ngày."),
            **kwargs,
        )

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class AdminForm(GuardedForm):
    """The admin's forms: a core refusal lands on the fields it names, and a page re-rendered
    after a refused submission answers 422 (so the request stores nothing)."""

    # A friendly message per field the core may refuse; NOT_USABLE for the others.
    core_messages: ClassVar[dict[str, str]] = {}
    core_detail = ""
    outcome = None

    def attach(self, exc: ValidationFailed) -> None:
        if not exc.fields:
            self.form_errors.append(NOT_USABLE)
        for key in exc.fields:
            message = self.core_messages.get(key, NOT_USABLE)
            field = self._fields.get(key)
            if field is None or key == "csrf_token":
                self.form_errors.append(message)
            else:
                field.errors = [*field.errors, message]
        details = "; ".join(f"{key}: {problem}" for key, problem in exc.fields.items())
        self.core_detail = f"{exc.message} ({details})" if details else exc.message

    def submit(self, operation: Callable[[], object]) -> bool:
        """Validate the posted form, then run the core operation (its result in `outcome`);
        False, with the errors on the form, when either refuses."""
        if not self.validate_on_submit():
            return False
        try:
            self.outcome = operation()
        except ValidationFailed as exc:
            self.attach(exc)
            return False
        return True

    @property
    def http_status(self) -> int:
        """200 for a fresh form; 422 for one re-rendered after a submission it refused."""
        return 422 if self.is_submitted() else 200


class ActionForm(AdminForm):
    """An action-only POST (rotate, revoke, activate, sign out): nothing but the CSRF token."""


# --- Accounts --------------------------------------------------------------------------------


class LoginForm(AdminForm):
    username = text_field(_l("Tên đăng nhập"), accounts.USERNAME_LENGTH)
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[DataRequired(message=REQUIRED), Length(max=accounts.MAX_PASSWORD, message=TOO_LONG)],
    )


class PasswordForm(AdminForm):
    core_messages: ClassVar = {
        "current": _l("Mật khẩu hiện tại không đúng."),
        "new": _l("Mật khẩu mới phải khác mật khẩu hiện tại."),
    }
    current = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[DataRequired(message=REQUIRED), Length(max=accounts.MAX_PASSWORD, message=TOO_LONG)],
    )
    new = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(
                min=accounts.MIN_PASSWORD,
                max=accounts.MAX_PASSWORD,
                message=_l("Mật khẩu mới cần từ %(min)d đến %(max)d ký tự."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("new", message=_l("Hai lần nhập mật khẩu mới không khớp.")),
        ],
    )


ROLE_LABELS = {
    "province_admin": _l("Văn phòng Thanh tra tỉnh"),
    "unit_manager": _l("Lãnh đạo đơn vị"),
    "viewer": _l("Chỉ xem"),
}


class UserForm(AdminForm):
    """A new account; `role.choices` are set per request to the roles the caller may grant."""

    core_messages: ClassVar = {
        "username": _l("Tên đăng nhập này đã có."),
        "unit": _l("Chọn một đơn vị có thật cho tài khoản này."),
        "role": _l("Bạn không cấp được vai trò này."),
    }
    username = code_field(_l("Tên đăng nhập"), accounts.USERNAME_LENGTH)
    role = SelectField(_l("Vai trò"), choices=[], invalid_choice_message=_l("Bạn không cấp được vai trò này."))
    unit = code_field(_l("Đơn vị"), UNIT_COLUMNS["code"], required=False)


class TokenForm(AdminForm):
    name = text_field(_l("Tên gợi nhớ"), accounts.TOKEN_NAME_LENGTH, required=False)


# --- Units, groups, imports ------------------------------------------------------------------


class UnitForm(AdminForm):
    core_messages: ClassVar = {
        "parent": _l(
            "Không đặt được dưới đơn vị này: không có đơn vị đó, hoặc đó là chính nó hay đơn vị cấp dưới của nó."
        ),
        "group": _l("Không có khối/cụm này."),
        "kind": _l("Loại đơn vị không hợp lệ."),
    }
    name = text_field(_l("Tên"), UNIT_COLUMNS["name"])
    kind = code_field(_l("Loại"), units.KIND_LENGTH)
    parent = code_field(_l("Đơn vị cấp trên"), UNIT_COLUMNS["parent"], required=False)
    group = code_field(_l("Khối, cụm thi đua"), UNIT_COLUMNS["group"], required=False)


class GroupForm(AdminForm):
    core_messages: ClassVar = {"leader": _l("Không có đơn vị này.")}
    code = code_field(_l("Mã"), GROUP_COLUMNS["code"])
    name = text_field(_l("Tên"), GROUP_COLUMNS["name"])
    leader = code_field(_l("Đơn vị trưởng khối/cụm"), GROUP_COLUMNS["leader_unit"], required=False)


IMPORT_KINDS = [
    SelectChoice("units", _l("Đơn vị")),
    SelectChoice("groups", _l("Khối, cụm thi đua")),
    SelectChoice("points", _l("Điểm tiếp nhận")),
]


class ImportForm(AdminForm):
    kind = SelectField(
        _l("Loại dữ liệu"), choices=IMPORT_KINDS, invalid_choice_message=_l("Chọn một loại dữ liệu trong danh sách.")
    )
    file = FileField(
        _l("Tệp"),
        validators=[
            FileRequired(message=_l("Chọn tệp .csv hoặc .xlsx.")),
            FileAllowed(["csv", "xlsx"], message=_l("Chỉ nhận tệp .csv hoặc .xlsx.")),
        ],
    )


# --- Points and devices ----------------------------------------------------------------------


class PointForm(AdminForm):
    core_messages: ClassVar = {"code": _l("Mã điểm này đã có."), "unit": _l("Không có đơn vị này.")}
    code = code_field(_l("Mã"), points.CODE_LENGTH)
    name = text_field(_l("Tên"), points.NAME_LENGTH)
    unit = code_field(_l("Đơn vị"), UNIT_COLUMNS["code"])


class PointNameForm(AdminForm):
    name = text_field(_l("Tên mới"), points.NAME_LENGTH)


class VisitSlipsForm(AdminForm):
    count = IntegerField(
        _l("Số phiếu hẹn"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=MAX_SLIPS, message=_l("Số phiếu hẹn phải từ %(min)s đến %(max)s.")),
        ],
        invalid_value_message=_l("Nhập một số nguyên."),
    )


class DeviceNameForm(AdminForm):
    name = text_field(_l("Tên mới"), devices.NAME_LENGTH, required=False)


class PairingForm(ActionForm):
    core_messages: ClassVar = {"point": _l("Điểm tiếp nhận này đã ngừng hoạt động: không ghép máy mới được.")}


# --- Surveys ---------------------------------------------------------------------------------


def _lines(text_value: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in text_value.splitlines() if line.strip()]


class _LinesField(TextAreaField):
    """A text box of pipe-separated lines, read into the core's specs (the core checks them)."""

    def parse(self, parts: list[str]):
        raise NotImplementedError

    def line(self, spec) -> str:
        raise NotImplementedError

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = [self.parse(parts) for parts in _lines(clean_text(valuelist[0]))]

    def _value(self) -> str:
        if self.raw_data:
            return clean_text(self.raw_data[0])
        return "\n".join(self.line(spec) for spec in self.data or ())


class CriteriaField(_LinesField):
    """`code | label | question | required (có/không) | SIPAS element`, a line per criterion."""

    def parse(self, parts: list[str]) -> CriterionSpec:
        code_, label, question, required, element = (parts + [""] * 5)[:5]
        return CriterionSpec(code_, label, question, required.lower() in YES_WORDS, element or None)

    def line(self, spec: CriterionSpec) -> str:
        required = "có" if spec.required else "không"
        return " | ".join([spec.code, spec.label, spec.question, required, spec.sipas_element or ""])


class ReasonsField(_LinesField):
    """`code | label`, a line per reason."""

    def parse(self, parts: list[str]) -> ReasonSpec:
        return ReasonSpec(parts[0], " | ".join(parts[1:]))

    def line(self, spec: ReasonSpec) -> str:
        return f"{spec.code} | {spec.label}"


class SurveyForm(AdminForm):
    core_messages: ClassVar = {
        "criteria": _l(
            "Kiểm tra các dòng tiêu chí: mỗi dòng cần mã (không trùng), nhãn và câu hỏi, yếu tố SIPAS hợp lệ; "
            "cần ít nhất một tiêu chí bắt buộc (câu chính)."
        ),
        "reasons": _l("Kiểm tra các dòng lý do: mỗi dòng cần mã (không trùng) và nhãn."),
    }
    title = text_field(_l("Tiêu đề"), surveys.TITLE_LENGTH)
    scale = SelectField(
        _l("Thang đo"),
        coerce=int,
        choices=[
            SelectChoice(5, _l("5 mức (Rất không hài lòng … Rất hài lòng)")),
            SelectChoice(3, _l("3 mức (Không hài lòng / Hài lòng / Rất hài lòng)")),
        ],
        invalid_choice_message=_l("Thang đo là 5 hoặc 3 mức."),
    )
    criteria = CriteriaField(_l("Tiêu chí, mỗi dòng: mã | nhãn | câu hỏi | bắt buộc (có/không) | yếu tố SIPAS"))
    reasons = ReasonsField(_l("Lý do chưa hài lòng, mỗi dòng: mã | nhãn"))


# --- Competition periods ---------------------------------------------------------------------


class PeriodForm(AdminForm):
    core_messages: ClassVar = {
        "code": _l("Mã đợt này đã có."),
        "end_date": _l("Ngày kết thúc phải sau ngày bắt đầu."),
    }
    code = code_field(_l("Mã"), periods.CODE_LENGTH)
    name = text_field(_l("Tên"), periods.NAME_LENGTH)
    start_date = LocalDateField(_l("Ngày bắt đầu"))
    end_date = LocalDateField(_l("Ngày kết thúc"))


MILESTONE_LABELS = {"so_ket": _l("Sơ kết"), "tong_ket": _l("Tổng kết"), "other": _l("Khác")}


class MilestoneForm(AdminForm):
    kind = SelectField(
        _l("Loại mốc"),
        choices=[SelectChoice(kind, MILESTONE_LABELS.get(kind, kind)) for kind in periods.MILESTONE_KINDS],
        invalid_choice_message=_l("Chọn một loại mốc trong danh sách."),
    )
    name = text_field(_l("Tên"), periods.NAME_LENGTH)
    due_date = LocalDateField(_l("Ngày"))
