"""Every form of the admin door, as WTForms classes on `core.forms.GuardedForm`.

A form checks what a person can correct on the spot (a field left empty, text longer than its
column, a date that is not one) with a friendly Vietnamese message next to the field; the core
operation it feeds checks the rest (unknown codes, duplicates, loops) and refuses with
`ValidationFailed`, which `AdminForm.attach` puts onto the same fields. Lengths are the columns'
lengths as the core exports them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import ClassVar

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)
from wtforms.widgets import TextInput

from admin.formatting import SIPAS_LABELS, UNIT_KIND_LABELS
from core.cases import calendar as case_calendar
from core.cases import reminders
from core.cases.operations import ANSWER_LENGTH, ASSIGNEE_LENGTH, REASON_LENGTH, TRANSITIONS
from core.competition import inputs as competition_inputs
from core.competition import reviews as competition_reviews
from core.competition.settings import ITEM4_MODES
from core.dates import INPUT_PATTERN, PLACEHOLDER, parse_date, shown_date
from core.dates import SHOWN as SHOWN_DATE
from core.errors import ValidationFailed
from core.forms import GuardedForm
from core.inputs import EARLIEST, LATEST, clean_text, in_calendar
from core.models import (
    ASSESSED_ITEMS,
    CASE_KINDS,
    CASE_STATUSES,
    CONTACT_METHODS,
    DECISIONS,
    MANUAL_CHANNELS,
    SIPAS_ELEMENTS,
    STAGES,
    Case,
)
from core.org import accounts, devices, periods, points, units
from core.org.imports import GROUP_COLUMNS, UNIT_COLUMNS
from core.ratings import alerts, surveys
from core.ratings.surveys import CriterionSpec, ReasonSpec
from core.text import fold
from core.timeutil import LOCAL_TZ

REQUIRED = _l("Vui lòng điền mục này.")
TOO_LONG = _l("Tối đa %(max)d ký tự.")
NOT_USABLE = _l("Giá trị này chưa dùng được, xem chi tiết bên dưới.")
# Printing slips is a counter task: a few hundred at a time (the core allows larger batches).
MAX_SLIPS = 500
# Rows of the survey editor: a questionnaire a citizen answers in 30 seconds has a handful.
MAX_SURVEY_ROWS = 40


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
            raise StopValidation(self.message % {"first": shown_date(EARLIEST), "last": shown_date(LATEST)})


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


class BlankIsMissing:
    """A date field left empty is "missing" (InputRequired's message), not "malformed"."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def date_input_attributes(placeholder: str = PLACEHOLDER) -> dict[str, str]:
    """A text box for a date: a browser's date picker follows the browser's language (mm/dd/yyyy
    in an English one), a text box shows dd/mm/yyyy to everyone. static/admin/dates.js helps typing."""
    return {"inputmode": "numeric", "placeholder": placeholder, "autocomplete": "off", "data-date-input": ""}


class LocalDateField(BlankIsMissing, DateField):
    """THE date field of the admin forms: typed dd/mm/yyyy (ISO yyyy-mm-dd accepted too), parsed by
    `core.dates.parse_date` like the report filters, within the service's calendar."""

    widget = TextInput()

    def __init__(self, label, **kwargs):
        render_kw = {**date_input_attributes(), "pattern": INPUT_PATTERN, **kwargs.pop("render_kw", {})}
        super().__init__(
            label,
            validators=[InputRequired(message=REQUIRED), InCalendar()],
            format=SHOWN_DATE,
            invalid_value_message=_l("Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 31/12/2024."),
            render_kw=render_kw,
            **kwargs,
        )

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_date(" ".join(valuelist))
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_value_message) from None


VietnameseDateField = LocalDateField


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


class UserForm(AdminForm):
    """A new account; `role.choices` are set per request to the roles the caller may grant."""

    core_messages: ClassVar = {
        "username": _l("Tên đăng nhập này đã có."),
        "unit": _l("Chọn một đơn vị có thật cho tài khoản này."),
        "role": _l("Bạn không cấp được vai trò này."),
        "email": _l("Địa chỉ thư điện tử không hợp lệ."),
    }
    username = code_field(_l("Tên đăng nhập"), accounts.USERNAME_LENGTH)
    role = SelectField(_l("Vai trò"), choices=[], invalid_choice_message=_l("Bạn không cấp được vai trò này."))
    unit = code_field(_l("Đơn vị"), UNIT_COLUMNS["code"], required=False)
    email = StringField(
        _l("Thư điện tử (nhận thông báo, không bắt buộc)"),
        validators=[
            Optional(),
            Length(max=accounts.EMAIL_LENGTH, message=TOO_LONG),
            Regexp(accounts.EMAIL_PATTERN, message=_l("Địa chỉ thư điện tử không hợp lệ.")),
        ],
        filters=[_strip],
    )


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
    # Choices: the known kinds, plus a unit's own kind if an import brought another (set per request).
    kind = SelectField(
        _l("Loại đơn vị"),
        choices=[SelectChoice(kind, UNIT_KIND_LABELS[kind]) for kind in units.UNIT_KINDS],
        invalid_choice_message=_l("Loại đơn vị không hợp lệ."),
    )
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


# --- Text boxes of lines ----------------------------------------------------------------------


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


# --- Surveys ---------------------------------------------------------------------------------

PLAN_ITEM_LABELS = {
    None: _l("Không tính vào bảng điểm thi đua"),
    5: _l("Mục 5: Chất lượng tiếp dân"),
    6: _l("Mục 6: Công sở và cán bộ"),
}
DUPLICATE_LABEL = _l("Nhãn này trùng với một dòng khác.")


def _plan_item(value):
    """The select's value as the core's plan item; anything else passes on for the choice check."""
    if value in (None, "", "None"):
        return None
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 3 else value


def _given(field) -> str | None:
    """An English text as posted ("" clears it); None when the field was not posted at all, which
    the core reads as "keep the previous version's"."""
    return (field.data or "") if field.raw_data else None


class _Row(GuardedForm):
    """A row of the survey editor (a criterion or a reason); the CSRF token is the outer form's."""

    class Meta:
        csrf = False

    # Hidden from the person: empty for a new row (the core makes one from the label), kept for an
    # existing one so its answers stay comparable across versions.
    code = HiddenField(filters=[_strip])


class CriterionRow(_Row):
    label = text_field(_l("Nhãn ngắn (tiếng Việt)"), surveys.LABEL_LENGTH)
    label_en = text_field(_l("Nhãn ngắn (tiếng Anh)"), surveys.LABEL_LENGTH, required=False)
    question = text_field(_l("Câu hỏi (tiếng Việt)"), surveys.QUESTION_LENGTH)
    question_en = text_field(_l("Câu hỏi (tiếng Anh)"), surveys.QUESTION_LENGTH, required=False)
    sipas_element = SelectField(
        _l("Yếu tố SIPAS"),
        choices=[SelectChoice("", _l("Không gắn yếu tố SIPAS"))]
        + [SelectChoice(code, SIPAS_LABELS[code]) for code in SIPAS_ELEMENTS],
        invalid_choice_message=_l("Chọn một yếu tố SIPAS trong danh sách."),
    )
    plan_item = SelectField(
        _l("Đo mục nào của bảng điểm thi đua"),
        coerce=_plan_item,
        choices=[SelectChoice("" if item is None else str(item), label) for item, label in PLAN_ITEM_LABELS.items()],
        invalid_choice_message=_l("Chọn một mục trong danh sách."),
    )
    required = BooleanField(_l("Bắt buộc trả lời"))

    def spec(self) -> CriterionSpec:
        return CriterionSpec(
            self.code.data or "",
            self.label.data or "",
            self.question.data or "",
            bool(self.required.data),
            self.sipas_element.data or None,
            self.plan_item.data,
            _given(self.label_en),
            _given(self.question_en),
        )


class ReasonRow(_Row):
    label = text_field(_l("Lý do (tiếng Việt)"), surveys.LABEL_LENGTH)
    label_en = text_field(_l("Lý do (tiếng Anh)"), surveys.LABEL_LENGTH, required=False)

    def spec(self) -> ReasonSpec:
        return ReasonSpec(self.code.data or "", self.label.data or "", _given(self.label_en))


def _mark_duplicate_labels(rows) -> bool:
    """A label used twice is marked on its second row; True when none is."""
    seen: set[str] = set()
    clean = True
    for row in rows:
        key = fold(row.form.label.data or "").strip()
        if key and key in seen:
            row.form.label.errors = [*row.form.label.errors, DUPLICATE_LABEL]
            clean = False
        seen.add(key)
    return clean


class SurveyForm(AdminForm):
    """The survey editor: criteria and reasons as rows (add, remove and move them with the rows'
    buttons, which re-render the form without saving: no JavaScript needed)."""

    core_messages: ClassVar = {
        "criteria": _l(
            "Kiểm tra các tiêu chí: mỗi tiêu chí cần nhãn (không trùng) và câu hỏi; "
            "cần ít nhất một tiêu chí bắt buộc (câu chính)."
        ),
        "reasons": _l("Kiểm tra các lý do: mỗi lý do cần nhãn, không trùng nhau."),
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
    # The button pressed: "save", or a change of the rows ("add-criteria", "remove-reasons-2"...).
    action = StringField()
    criteria = FieldList(FormField(CriterionRow), label=_l("Tiêu chí"), max_entries=MAX_SURVEY_ROWS)
    reasons = FieldList(FormField(ReasonRow), label=_l("Lý do chưa hài lòng"), max_entries=MAX_SURVEY_ROWS)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid = _mark_duplicate_labels(self.criteria) and valid
        valid = _mark_duplicate_labels(self.reasons) and valid
        if not self.criteria.entries:
            self.criteria.errors.append(_l("Phiếu cần ít nhất một tiêu chí: bấm “Thêm tiêu chí”."))
            valid = False
        elif not any(row.form.required.data for row in self.criteria):
            self.criteria.errors.append(
                _l("Đánh dấu “Bắt buộc trả lời” cho ít nhất một tiêu chí (câu hỏi chính của phiếu).")
            )
            valid = False
        return valid

    def criterion_specs(self) -> list[CriterionSpec]:
        return [row.form.spec() for row in self.criteria]

    def reason_specs(self) -> list[ReasonSpec]:
        return [row.form.spec() for row in self.reasons]


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


# --- Citizens' feedback as cases, alerts, the calendar, reminders ----------------------------

CASE_STATUS_LABELS = {
    "new": _l("Mới"),
    "assigned": _l("Đã phân công"),
    "answered": _l("Đã trả lời"),
    "closed": _l("Đã đóng"),
    "dismissed": _l("Đã loại"),
    "reopened": _l("Mở lại"),
}
CASE_SOURCE_LABELS = {"kiosk": _l("Máy tại quầy"), "qr": _l("Mã QR"), "manual": _l("Cán bộ ghi nhận")}
CASE_KIND_LABELS = {"feedback": _l("Phản ánh, kiến nghị"), "complaint": _l("Khiếu nại")}
MANUAL_CHANNEL_LABELS = {
    "paper": _l("Đơn, thư giấy"),
    "phone": _l("Điện thoại"),
    "email": _l("Thư điện tử"),
    "reception": _l("Buổi tiếp công dân"),
}
CONTACT_METHOD_LABELS = {
    "phone": _l("Điện thoại"),
    "email": _l("Thư điện tử"),
    "letter": _l("Văn bản"),
    "in_person": _l("Trực tiếp"),
}
# What the button of each move says (the case's next status is the key).
MOVE_LABELS = {
    "assigned": _l("Phân công xử lý"),
    "answered": _l("Ghi nhận đã trả lời"),
    "closed": _l("Đóng phản ánh"),
    "dismissed": _l("Loại phản ánh"),
    "reopened": _l("Mở lại phản ánh"),
}
RULE_KIND_LABELS = {
    "low_share": _l("Tỷ lệ câu trả lời thấp trong một khoảng thời gian"),
    "lowest_comment": _l("Điểm thấp nhất kèm góp ý"),
}
REMINDER_REASON_LABELS = {
    "offline_kiosks": _l("Máy tại quầy mất liên lạc"),
    "silent_points": _l("Điểm tiếp nhận không có đánh giá trong 7 ngày"),
    "overdue_cases": _l("Có phản ánh quá hạn"),
    "low_index": _l("Chỉ số hài lòng dưới chỉ tiêu"),
    "low_on_time_rate": _l("Tỷ lệ trả lời đúng hạn dưới chỉ tiêu"),
}
CHOOSE_FROM_LIST = _l("Chọn một giá trị trong danh sách.")
CONSENT_NEEDED = _l("Có thông tin liên hệ thì cần người dân đồng ý: đánh dấu ô đồng ý, hoặc xoá thông tin liên hệ.")
BAD_EMAIL = _l("Địa chỉ thư điện tử không hợp lệ.")
WHOLE_NUMBER = _l("Nhập một số nguyên.")
CASE_CONTENT_LENGTH = 5000
PHONE_PATTERN = r"^[0-9+ ().-]{6,}$"


def _choices(labels: dict, codes, blank=None) -> list[SelectChoice]:
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(code, labels.get(code, code)) for code in codes]


def email_field(label) -> StringField:
    """An optional e-mail address: what the account operations accept, checked on the spot."""
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=accounts.EMAIL_LENGTH, message=TOO_LONG),
            Regexp(accounts.EMAIL_PATTERN, message=BAD_EMAIL),
        ],
        filters=[_strip],
    )


def long_text_field(label, max_length: int, *, required: bool = True) -> TextAreaField:
    first = DataRequired(message=REQUIRED) if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=max_length, message=TOO_LONG)], filters=[_strip])


class InCalendarMoment:
    """A date and time whose local date lies within the service's calendar."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not in_calendar(field.data.date()):
            raise StopValidation(InCalendar.message % {"first": shown_date(EARLIEST), "last": shown_date(LATEST)})


class LocalDateTimeField(BlankIsMissing, DateTimeLocalField):
    """A date and time typed in local time (Asia/Ho_Chi_Minh): `data` is an aware datetime. Typed
    "dd/mm/yyyy hh:mm" in a text box (like LocalDateField); ISO forms are accepted too."""

    widget = TextInput()

    def __init__(self, label, **kwargs):
        render_kw = {**date_input_attributes("dd/mm/yyyy hh:mm"), **kwargs.pop("render_kw", {})}
        super().__init__(
            label,
            validators=[InputRequired(message=REQUIRED), InCalendarMoment()],
            format=[
                "%d/%m/%Y %H:%M",
                "%d/%m/%Y %H:%M:%S",
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S",
            ],
            tz=LOCAL_TZ,
            invalid_value_message=_l(
                "Ngày giờ không hợp lệ: dùng dạng ngày/tháng/năm giờ:phút, ví dụ 31/12/2024 14:30."
            ),
            render_kw=render_kw,
            **kwargs,
        )


class PercentField(FloatField):
    """A percentage; a decimal comma (30,5) is read like a point; NaN and infinities are refused."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(self.invalid_value_message)


class CaseFilterForm(AdminForm):
    """The case list's filters, read from the query string (a GET form: nothing to protect)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Trạng thái"),
        choices=_choices(CASE_STATUS_LABELS, CASE_STATUSES, _l("Tất cả")),
        default="",
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    unit = code_field(_l("Đơn vị"), UNIT_COLUMNS["code"], required=False)
    overdue = SelectField(
        _l("Thời hạn"),
        choices=[
            SelectChoice("", _l("Tất cả")),
            SelectChoice("yes", _l("Quá hạn")),
            SelectChoice("no", _l("Chưa quá hạn")),
        ],
        default="",
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    page = IntegerField(
        _l("Trang"),
        validators=[Optional(), NumberRange(min=1, max=100_000, message=_l("Trang phải từ %(min)s đến %(max)s."))],
        invalid_value_message=WHOLE_NUMBER,
    )

    @property
    def overdue_flag(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.overdue.data or "")


class CaseMoveForm(AdminForm):
    """One move of a case; `status` (a hidden field of each action's form) names where it goes.
    The state machine (core) says which moves are allowed and what each needs."""

    core_messages: ClassVar = {
        "status": _l("Trạng thái không hợp lệ."),
        "assignee": _l("Nhập tên người được phân công xử lý."),
        "answer": _l("Nhập nội dung đã trả lời người dân."),
        "reason": _l("Nêu lý do loại phản ánh."),
        "contact_method": CHOOSE_FROM_LIST,
    }
    status = SelectField(
        _l("Chuyển sang"),
        choices=_choices(MOVE_LABELS, TRANSITIONS),
        invalid_choice_message=_l("Trạng thái không hợp lệ."),
    )
    assignee = text_field(_l("Người được phân công"), ASSIGNEE_LENGTH, required=False)
    answer = long_text_field(_l("Nội dung trả lời"), ANSWER_LENGTH, required=False)
    contact_method = SelectField(
        _l("Đã báo cho người dân qua"),
        choices=_choices(CONTACT_METHOD_LABELS, CONTACT_METHODS, _l("— Không ghi —")),
        default="",
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    reason = text_field(_l("Lý do loại"), REASON_LENGTH, required=False)


class ManualCaseForm(AdminForm):
    """Feedback received on paper, by phone, by e-mail or at a reception session."""

    core_messages: ClassVar = {
        "unit": _l("Không có đơn vị này."),
        "point": _l("Chọn một điểm tiếp nhận của đơn vị đã chọn (hoặc để trống)."),
        "channel": CHOOSE_FROM_LIST,
        "kind": CHOOSE_FROM_LIST,
        "content": REQUIRED,
        "received_on": _l("Thời điểm nhận không được ở tương lai."),
        "consent": CONSENT_NEEDED,
    }
    unit = code_field(_l("Đơn vị"), UNIT_COLUMNS["code"])
    point = code_field(_l("Điểm tiếp nhận (không bắt buộc)"), points.CODE_LENGTH, required=False)
    channel = SelectField(
        _l("Hình thức tiếp nhận"),
        choices=_choices(MANUAL_CHANNEL_LABELS, MANUAL_CHANNELS),
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    kind = SelectField(
        _l("Loại"), choices=_choices(CASE_KIND_LABELS, CASE_KINDS), invalid_choice_message=CHOOSE_FROM_LIST
    )
    received_on = LocalDateTimeField(_l("Thời điểm nhận (giờ Việt Nam)"))
    content = long_text_field(_l("Nội dung phản ánh, kiến nghị"), CASE_CONTENT_LENGTH)
    contact_name = text_field(_l("Họ và tên người phản ánh"), Case.__table__.c.contact_name.type.length, required=False)
    contact_phone = StringField(
        _l("Số điện thoại"),
        validators=[
            Optional(),
            Length(max=Case.__table__.c.contact_phone.type.length, message=TOO_LONG),
            Regexp(PHONE_PATTERN, message=_l("Số điện thoại chỉ gồm chữ số, dấu cách và dấu +.")),
        ],
        filters=[_strip],
    )
    contact_email = StringField(
        _l("Thư điện tử"),
        validators=[
            Optional(),
            Length(max=Case.__table__.c.contact_email.type.length, message=TOO_LONG),
            Regexp(accounts.EMAIL_PATTERN, message=BAD_EMAIL),
        ],
        filters=[_strip],
    )
    consent = BooleanField(_l("Người dân đồng ý"))

    @property
    def has_contact(self) -> bool:
        return any((field.data or "").strip() for field in (self.contact_name, self.contact_phone, self.contact_email))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.has_contact and not self.consent.data:
            self.consent.errors = [*self.consent.errors, CONSENT_NEEDED]
            valid = False
        return valid


class AlertAckForm(AdminForm):
    core_messages: ClassVar = {"note": _l("Ghi lại đã xem xét, xử lý thế nào (bắt buộc, tối đa 2000 ký tự).")}
    note = long_text_field(_l("Ghi chú xử lý"), alerts.NOTE_LENGTH)


class AlertRuleForm(AdminForm):
    """A rule for one point, for every point of one unit, or (neither) for every point."""

    core_messages: ClassVar = {
        "kind": CHOOSE_FROM_LIST,
        "unit": _l("Không có đơn vị này."),
        "point": _l("Không có điểm này, hoặc đã chọn cả đơn vị lẫn điểm: chỉ chọn một trong hai."),
        "min_answers": _l("Số câu trả lời tối thiểu phải từ 1 đến 10000."),
        "share": _l("Tỷ lệ phải lớn hơn 0 và không quá 100."),
        "window_minutes": _l("Khoảng thời gian phải từ 5 phút đến 7 ngày (10080 phút)."),
    }
    kind = SelectField(
        _l("Loại quy tắc"),
        choices=_choices(RULE_KIND_LABELS, alerts.RULE_KINDS),
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    unit = code_field(_l("Đơn vị"), UNIT_COLUMNS["code"], required=False)
    point = code_field(_l("Điểm tiếp nhận"), points.CODE_LENGTH, required=False)
    min_answers = IntegerField(
        _l("Số câu trả lời tối thiểu"),
        default=10,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=10_000, message=_l("Số câu trả lời tối thiểu phải từ %(min)s đến %(max)s.")),
        ],
        invalid_value_message=WHOLE_NUMBER,
    )
    share = PercentField(
        _l("Tỷ lệ câu trả lời thấp (%)"),
        default=30.0,
        validators=[
            InputRequired(message=REQUIRED),
            # 0 itself is refused by the core, with the same message.
            NumberRange(min=0, max=100, message=_l("Tỷ lệ phải lớn hơn 0 và không quá 100.")),
        ],
        invalid_value_message=_l("Nhập một số, ví dụ 30 hoặc 30,5."),
    )
    window_minutes = IntegerField(
        _l("Trong khoảng (phút)"),
        default=120,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=5, max=7 * 24 * 60, message=_l("Khoảng thời gian phải từ %(min)s đến %(max)s phút.")),
        ],
        invalid_value_message=WHOLE_NUMBER,
    )


class CalendarDayForm(AdminForm):
    core_messages: ClassVar = {"day": _l("Ngày phải từ năm 2000 đến năm 2100."), "name": TOO_LONG}
    day = LocalDateField(_l("Ngày"))
    working = SelectField(
        _l("Loại ngày"),
        choices=[
            SelectChoice("0", _l("Nghỉ (lễ, Tết, nghỉ bù)")),
            SelectChoice("1", _l("Làm bù (thứ Bảy, Chủ nhật đi làm)")),
        ],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    name = text_field(_l("Tên gọi"), case_calendar.NAME_LENGTH, required=False)


class CalendarImportForm(AdminForm):
    file = FileField(
        _l("Tệp CSV (cột date,working,name)"),
        validators=[
            FileRequired(message=_l("Chọn tệp .csv.")),
            FileAllowed(["csv"], message=_l("Chỉ nhận tệp .csv.")),
        ],
    )


class ReminderForm(AdminForm):
    core_messages: ClassVar = {
        "reasons": _l("Chọn ít nhất một lý do nhắc nhở."),
        "note": _l("Lời nhắn tối đa 2000 ký tự."),
    }
    reasons = SelectMultipleField(
        _l("Lý do nhắc nhở"),
        choices=_choices(REMINDER_REASON_LABELS, reminders.REASONS),
        validators=[DataRequired(message=_l("Chọn ít nhất một lý do nhắc nhở."))],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    note = long_text_field(_l("Lời nhắn (không bắt buộc)"), reminders.NOTE_LENGTH, required=False)


class EmailForm(AdminForm):
    """Where an account's notifications go (empty: none)."""

    core_messages: ClassVar = {"email": BAD_EMAIL}
    email = email_field(_l("Thư điện tử"))


# --- The competition: self-assessment with evidence, review, bonus and penalty lines, the -------
# --- period's score sheet, freezing, publication and award proposals ---------------------------

COMPETITION_ITEM_LABELS = {
    "1": _l("Công khai thông tin, chính sách"),
    "2": _l("Niêm yết công khai thủ tục hành chính"),
    "3": _l("Giải quyết hồ sơ đúng hạn"),
    "4": _l("Trả lời phản ánh, kiến nghị đúng hạn"),
    "5": _l("Chất lượng tiếp đón, hướng dẫn"),
    "6": _l("Công sở, cán bộ"),
}
# Where each item's figure came from (the sheet's `source` codes).
ITEM_SOURCE_LABELS = {
    "self": _l("tự đánh giá"),
    "review": _l("đã thẩm định"),
    "none": _l("chưa có số liệu"),
    "dossiers": _l("số liệu một cửa"),
    "cases": _l("phản ánh"),
    "no_case_due": _l("không có phản ánh đến hạn"),
    "answers": _l("câu trả lời"),
    "no_answers": _l("chưa có câu trả lời"),
}
STAGE_LABELS = {"so_ket": _l("Sơ kết"), "tong_ket": _l("Tổng kết")}
DECISION_LABELS = {"award": _l("Đề nghị khen thưởng"), "criticise": _l("Phê bình")}
ITEM4_LABELS = {
    "linear": _l("Tỷ lệ thuận: điểm tối đa × tỷ lệ trả lời đúng hạn"),
    "tt01_2018": _l("Theo bậc của Thông tư 01/2018/TT-VPCP: 100% đủ điểm, từ 90% một nửa, dưới 90% không điểm"),
}
PERCENT_RANGE = _l("Nhập tỷ lệ phần trăm từ 0 đến 100, ví dụ 95 hoặc 95,5.")
ADJUST_REASON_NEEDED = _l("Điều chỉnh số liệu của đơn vị thì cần nêu lý do.")
DECISION_REASON_NEEDED = _l("Nêu lý do đề xuất.")


class DecimalCommaField(PercentField):
    """A percentage or a number of points shown the Vietnamese way (92,5), read either way."""

    def _value(self) -> str:
        if self.raw_data:
            return clean_text(str(self.raw_data[0]))
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")


def percent_field(label, *, required: bool = False) -> DecimalCommaField:
    first = InputRequired(message=REQUIRED) if required else Optional()
    return DecimalCommaField(
        label,
        validators=[first, NumberRange(min=0, max=100, message=PERCENT_RANGE)],
        invalid_value_message=PERCENT_RANGE,
    )


class AssessmentForm(AdminForm):
    """A unit's own figures of items 1-3 (a percentage each, with a note); an item left empty is
    not recorded. The core's refusal of one item lands on that item's fields."""

    core_messages: ClassVar = {
        **{f"value_{item}": PERCENT_RANGE for item in ASSESSED_ITEMS},
        **{f"note_{item}": _l("Ghi chú quá dài.") for item in ASSESSED_ITEMS},
    }
    value_1 = percent_field(_l("Tỷ lệ đạt (%)"))
    note_1 = long_text_field(_l("Căn cứ, ghi chú"), competition_inputs.NOTE_LENGTH, required=False)
    value_2 = percent_field(_l("Tỷ lệ đạt (%)"))
    note_2 = long_text_field(_l("Căn cứ, ghi chú"), competition_inputs.NOTE_LENGTH, required=False)
    value_3 = percent_field(_l("Tỷ lệ đạt (%)"))
    note_3 = long_text_field(_l("Căn cứ, ghi chú"), competition_inputs.NOTE_LENGTH, required=False)

    def figures(self) -> list[tuple[int, float, str]]:
        """(item, value, note) of each item given a value."""
        return [
            (item, self[f"value_{item}"].data, self[f"note_{item}"].data or "")
            for item in ASSESSED_ITEMS
            if self[f"value_{item}"].data is not None
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.figures():
            self.form_errors.append(_l("Nhập tỷ lệ của ít nhất một mục."))
            valid = False
        return valid


class EvidenceForm(AdminForm):
    """A PDF or image backing an item's figure. The core decides what it accepts (type by content,
    size, a plain file name); its refusal is explained on the file field."""

    core_messages: ClassVar = {"item": CHOOSE_FROM_LIST}
    item = SelectField(_l("Minh chứng cho mục"), coerce=int, invalid_choice_message=CHOOSE_FROM_LIST)
    file = FileField(_l("Tệp PDF, PNG hoặc JPEG"), validators=[FileRequired(message=_l("Chọn tệp minh chứng."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the labels in the reader's language.
        self.item.choices = [SelectChoice(i, f"{i}. {COMPETITION_ITEM_LABELS[str(i)]}") for i in ASSESSED_ITEMS]

    def attach(self, exc: ValidationFailed) -> None:
        super().attach(exc)
        problem = exc.fields.get("file", "")
        if problem:
            self.file.errors = [*self.file.errors[:-1], self._file_message(problem)]

    @staticmethod
    def _file_message(problem: str) -> str:
        if problem.startswith("a plain file name"):
            return _l("Tên tệp không hợp lệ: chỉ dùng tên tệp, không kèm đường dẫn hay dấu chấm ở đầu.")
        if problem.startswith("a file name"):
            return _l("Tên tệp quá dài hoặc có ký tự điều khiển: đổi tên tệp rồi gửi lại.")
        if problem.startswith("at most"):
            limit = int(current_app.config["EVIDENCE_MAX_BYTES"])
            return _l("Tệp quá lớn: tối đa %(size)s MB.") % {"size": format_decimal(limit / 1024 / 1024, "#,##0.0")}
        return _l("Chỉ nhận tệp PDF, PNG hoặc JPEG (nội dung tệp phải đúng loại ghi ở đuôi tên tệp).")


REVIEW_ACTIONS = [SelectChoice("accept", _l("Chấp nhận")), SelectChoice("adjust", _l("Điều chỉnh"))]


class ReviewForm(AdminForm):
    """The office's review of one item: accept the unit's figure, or adjust it with a reason."""

    core_messages: ClassVar = {
        "value": _l("Đơn vị chưa tự đánh giá mục này: nhập tỷ lệ thẩm định và lý do (Điều chỉnh)."),
        "note": ADJUST_REASON_NEEDED,
        "item": CHOOSE_FROM_LIST,
    }
    item = SelectField(
        _l("Mục"),
        coerce=int,
        choices=[SelectChoice(item, str(item)) for item in ASSESSED_ITEMS],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    action = SelectField(_l("Thẩm định"), choices=REVIEW_ACTIONS, invalid_choice_message=CHOOSE_FROM_LIST)
    value = percent_field(_l("Tỷ lệ thẩm định (%)"))
    note = long_text_field(_l("Lý do điều chỉnh"), competition_inputs.NOTE_LENGTH, required=False)

    @property
    def adjusting(self) -> bool:
        return self.action.data == "adjust"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.adjusting:
            if self.value.data is None and not self.value.errors:
                self.value.errors = [*self.value.errors, REQUIRED]
                valid = False
            if not self.note.data:
                self.note.errors = [*self.note.errors, ADJUST_REASON_NEEDED]
                valid = False
        return valid


class AdjustmentForm(AdminForm):
    """A bonus or penalty line with its reason (e.g. +10 for a provincial Cờ thi đua)."""

    core_messages: ClassVar = {
        "points": _l("Số điểm phải lớn hơn 0 và không quá 100."),
        "reason": _l("Nêu lý do cộng, trừ điểm."),
    }
    kind = SelectField(
        _l("Loại"),
        choices=[SelectChoice("bonus", _l("Điểm cộng")), SelectChoice("penalty", _l("Điểm trừ"))],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    points = DecimalCommaField(
        _l("Số điểm"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=0, max=100, message=_l("Số điểm phải lớn hơn 0 và không quá 100.")),
        ],
        invalid_value_message=_l("Nhập một số, ví dụ 10 hoặc 2,5."),
    )
    reason = text_field(_l("Lý do"), competition_inputs.REASON_LENGTH)

    @property
    def signed_points(self) -> float:
        return -self.points.data if self.kind.data == "penalty" else self.points.data


class StageForm(AdminForm):
    """Which review an action is about (sơ kết or tổng kết)."""

    core_messages: ClassVar = {"stage": CHOOSE_FROM_LIST}
    stage = SelectField(
        _l("Giai đoạn"), choices=_choices(STAGE_LABELS, STAGES), invalid_choice_message=CHOOSE_FROM_LIST
    )


ON_OFF = [SelectChoice("1", _l("Bật")), SelectChoice("0", _l("Tắt"))]


class PublishForm(StageForm):
    published = SelectField(_l("Công bố"), choices=ON_OFF, invalid_choice_message=CHOOSE_FROM_LIST)


class LiveIndexForm(AdminForm):
    on = SelectField(_l("Chỉ số 30 ngày gần nhất trên trang công khai"), choices=ON_OFF)


class DecisionForm(AdminForm):
    """From a frozen tổng kết: propose a unit for an award or for criticism, with the reason; no
    proposal withdraws the one recorded."""

    core_messages: ClassVar = {"decision": CHOOSE_FROM_LIST, "reason": DECISION_REASON_NEEDED}
    decision = SelectField(
        _l("Đề xuất"),
        choices=_choices(DECISION_LABELS, DECISIONS, _l("Không đề xuất")),
        default="",
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    reason = text_field(_l("Lý do"), competition_reviews.REASON_LENGTH, required=False)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data and not self.reason.data and not self.reason.errors:
            self.reason.errors = [*self.reason.errors, DECISION_REASON_NEEDED]
            valid = False
        return valid


class ClassesField(_LinesField):
    """`code | label | cut-off`, a line per class from the highest; the last without a cut-off."""

    def parse(self, parts: list[str]) -> dict:
        code_, label, cutoff = (parts + [""] * 3)[:3]
        try:
            minimum = float(cutoff.replace(",", ".")) if cutoff else None
        except ValueError:
            minimum = cutoff  # not a number: passed on as is, so the core refuses it
        if isinstance(minimum, float) and not math.isfinite(minimum):
            minimum = cutoff
        return {"code": code_, "label": label, "min": minimum}

    def line(self, spec: dict) -> str:
        minimum = spec.get("min")
        shown = "" if minimum is None else f"{minimum:g}".replace(".", ",")
        return " | ".join([spec.get("code", ""), spec.get("label", ""), shown]).rstrip(" |")


POINTS_RANGE = _l("Điểm tối đa của mục từ 0 đến 100.")


def item_points_field(item: str) -> DecimalCommaField:
    return DecimalCommaField(
        _l("Mục %(n)s: %(label)s", n=item, label=COMPETITION_ITEM_LABELS[item]),
        validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=100, message=POINTS_RANGE)],
        invalid_value_message=POINTS_RANGE,
    )


class CompetitionSettingsForm(AdminForm):
    """A period's score sheet: points per item, item 4's rule, the classes."""

    core_messages: ClassVar = {
        "points": POINTS_RANGE,
        "item4": CHOOSE_FROM_LIST,
        "classes": _l(
            "Mỗi dòng: mã | tên | điểm tối thiểu; ít nhất hai loại, điểm tối thiểu giảm dần, "
            "dòng cuối không có điểm tối thiểu."
        ),
    }
    points_1 = item_points_field("1")
    points_2 = item_points_field("2")
    points_3 = item_points_field("3")
    points_4 = item_points_field("4")
    points_5 = item_points_field("5")
    points_6 = item_points_field("6")
    item4 = SelectField(
        _l("Cách tính mục 4"), choices=_choices(ITEM4_LABELS, ITEM4_MODES), invalid_choice_message=CHOOSE_FROM_LIST
    )
    classes = ClassesField(_l("Xếp loại, mỗi dòng: mã | tên | điểm tối thiểu (dòng cuối để trống điểm)"))

    def fill(self, config: dict) -> None:
        for item, value in config["points"].items():
            self[f"points_{item}"].data = value
        self.item4.data = config["item4"]
        self.classes.data = config["classes"]

    def config(self) -> dict:
        points = {str(item): self[f"points_{item}"].data for item in range(1, 7)}
        # Whole points stay integers in the stored configuration.
        points = {k: int(v) if float(v).is_integer() else v for k, v in points.items()}
        return {"points": points, "item4": self.item4.data, "classes": self.classes.data or []}


COMPETITION_IMPORT_KINDS = [
    SelectChoice("assessments", _l("Số liệu mục 1–3 đã thẩm định")),
    SelectChoice("dossiers", _l("Hồ sơ một cửa cho mục 3")),
]


class CompetitionImportForm(AdminForm):
    kind = SelectField(_l("Loại dữ liệu"), choices=COMPETITION_IMPORT_KINDS, invalid_choice_message=CHOOSE_FROM_LIST)
    file = FileField(
        _l("Tệp"),
        validators=[
            FileRequired(message=_l("Chọn tệp .csv hoặc .xlsx.")),
            FileAllowed(["csv", "xlsx"], message=_l("Chỉ nhận tệp .csv hoặc .xlsx.")),
        ],
    )


# --- Answers left out of the figures ------------------------------------------------------------


class ResponseFlagForm(AdminForm):
    """The office leaves an answer out of the figures (or counts it again), with its reason."""

    core_messages: ClassVar = {"reason": _l("Ghi lý do (bắt buộc, tối đa 500 ký tự).")}
    flag = SelectField(
        _l("Đánh dấu"),
        choices=[
            SelectChoice("misuse", _l("Nghi gửi dồn dập")),
            SelectChoice("repeat", _l("Đánh giá lặp lại")),
            SelectChoice("clock", _l("Giờ máy sai")),
            SelectChoice("none", _l("Tính lại vào số liệu")),
        ],
        invalid_choice_message=_l("Chọn một loại đánh dấu trong danh sách."),
    )
    reason = text_field(_l("Lý do"), 500)
