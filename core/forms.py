"""The base of every HTML form of every door: CSRF from Flask-WTF, and the input guard on every
text field, so what a person typed is cleaned before any validator or the database sees it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

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
