"""The survey form, built from a survey version (its criteria, scale and reasons). The form class
of a version and language is made once per process: a version never changes."""

from __future__ import annotations

import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from core.forms import GuardedForm
from core.ratings.responses import MAX_COMMENT, MAX_NAME, MAX_PHONE
from core.ratings.surveys import SurveyVersion

FIELD_PREFIX = "q_"


def localized(item, field: str, locale: str) -> str:
    """The English text when the page is in English and one exists, the Vietnamese otherwise."""
    if locale == "en":
        value = item.get(f"{field}_en") if isinstance(item, dict) else getattr(item, f"{field}_en", "")
        if value:
            return value
    return item[field] if isinstance(item, dict) else getattr(item, field)


class BaseSurveyForm(GuardedForm):
    # Generated when the page is served, so a double submit of one page is one response.
    response_id = HiddenField()
    reasons = SelectMultipleField(_l("Lý do"), choices=[], validate_choice=True)
    comment = TextAreaField(_l("Góp ý thêm"), validators=[Optional(), Length(max=MAX_COMMENT)])
    consent = BooleanField()
    contact_name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=MAX_NAME)])
    contact_phone = StringField(
        _l("Số điện thoại"),
        validators=[
            Optional(),
            Length(max=MAX_PHONE),
            Regexp(r"^[0-9+ ().-]{6,}$", message=_l("Số điện thoại chỉ gồm chữ số, dấu cách và dấu +.")),
        ],
    )

    survey: SurveyVersion
    criteria: list
    reason_choices: list

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        wants_reply = bool((self.contact_name.data or "").strip() or (self.contact_phone.data or "").strip())
        if wants_reply and not self.consent.data:
            self.consent.errors = [
                _l("Vui lòng đánh dấu đồng ý nếu muốn được liên hệ, hoặc xoá họ tên và số điện thoại.")
            ]
            valid = False
        elif self.consent.data and not wants_reply:
            self.contact_phone.errors = [
                *self.contact_phone.errors,
                _l("Vui lòng cho biết họ tên hoặc số điện thoại để chúng tôi liên hệ lại."),
            ]
            valid = False
        return valid

    def csrf_failed(self) -> bool:
        return bool(self.meta.csrf and self.csrf_token.errors)

    def ensure_response_id(self) -> str:
        """Keep a well-formed id across re-renders (errors, expired token); mint one otherwise."""
        try:
            return str(uuid.UUID(self.response_id.data or ""))
        except ValueError:
            self.response_id.data = str(uuid.uuid4())
            return self.response_id.data

    def answers(self) -> dict[str, int]:
        return {code: field.data for code, field in self.iter_criteria() if field.data is not None}

    def iter_criteria(self):
        for criterion in self.criteria:
            yield criterion.code, self[FIELD_PREFIX + criterion.code]

    def contact(self) -> dict | None:
        if not self.consent.data:
            return None
        return {"name": self.contact_name.data or "", "phone": self.contact_phone.data or "", "consent": True}


def _form_class(survey: SurveyVersion, locale: str) -> type[BaseSurveyForm]:
    """The form class of a version in a language: one radio group per criterion."""
    classes = current_app.extensions.setdefault("survey_forms", {})
    key = (survey.id, survey.created_at, locale)
    if key in classes:
        return classes[key]
    scale = [SelectChoice(item["score"], localized(item, "label", locale)) for item in survey.scale]

    class SurveyForm(BaseSurveyForm):
        pass

    for criterion in survey.criteria:
        validators = (
            [InputRequired(message=_l("Vui lòng chọn một mức đánh giá."))] if criterion.required else [Optional()]
        )
        field = RadioField(localized(criterion, "question", locale), choices=scale, coerce=int, validators=validators)
        setattr(SurveyForm, FIELD_PREFIX + criterion.code, field)
    SurveyForm.survey = survey
    SurveyForm.criteria = list(survey.criteria)
    SurveyForm.reason_choices = [SelectChoice(r.code, localized(r, "label", locale)) for r in survey.reasons]
    classes[key] = SurveyForm
    return SurveyForm


def survey_form(survey: SurveyVersion, locale: str, formdata=None) -> BaseSurveyForm:
    """The version's form, instantiated on `formdata` (None: a fresh page)."""
    form = _form_class(survey, locale)(formdata=formdata)
    form.reasons.choices = list(form.reason_choices)
    if formdata is None:
        form.response_id.data = str(uuid.uuid4())
    return form
