"""The base of every HTML form of every door: CSRF from Flask-WTF, and the input guard on every
text field, so what a person typed is cleaned before any validator or the database sees it."""

from __future__ import annotations

from functools import cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.i18n import messages_path

from core.inputs import clean_text


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


class GuardedForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            # StringField covers text areas, passwords and hidden fields too.
            if issubclass(unbound_field.field_class, StringField):
                filters = [_clean, *unbound_field.kwargs.get("filters", ())]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form):
            # Flask-WTF loads WTForms' catalog from disk again on every request (a quarter of a
            # millisecond, about a tenth of a QR answer's CPU); a catalog never changes in a process.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return form_messages(str(get_locale()))


# WTForms ships no Vietnamese catalog, so a Vietnamese page showed its messages in English ("Not a
# valid choice." for a tampered radio button). Those a person can meet on these forms, in
# Vietnamese; every other language goes through WTForms' own catalog.
VIETNAMESE = {
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ, phải là một trong: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không hợp lệ, không được là: %(values)s.",
    "This field is required.": "Mục này là bắt buộc.",
    "Invalid input.": "Dữ liệu không hợp lệ.",
    "Not a valid integer value.": "Giá trị phải là một số nguyên.",
    "Not a valid decimal value.": "Giá trị phải là một số.",
    "Not a valid float value.": "Giá trị phải là một số.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be between %(min)d and %(max)d characters long.": "Độ dài phải từ %(min)d đến %(max)d ký tự.",
    # Vietnamese has one form for every count: these stand for WTForms' plural pairs too.
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Invalid email address.": "Địa chỉ e-mail không hợp lệ.",
    "Invalid URL.": "Địa chỉ không hợp lệ.",
    "Invalid UUID.": "Mã không hợp lệ.",
}


class _VietnameseMessages:
    """WTForms' translations interface (gettext, ngettext) over VIETNAMESE."""

    def __init__(self, fallback: support.NullTranslations):
        self.fallback = fallback

    def gettext(self, string: str) -> str:
        return VIETNAMESE.get(string) or self.fallback.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return VIETNAMESE.get(singular) or self.fallback.ngettext(singular, plural, n)


@cache
def form_messages(locale: str):
    """WTForms' own messages ("Not a valid choice.") in `locale`, loaded once per process."""
    catalog = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return _VietnameseMessages(catalog) if locale == "vi" else catalog
