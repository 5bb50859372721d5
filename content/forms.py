"""Editor forms. Rules (slug format, uniqueness, lengths) live in content.services; forms only collect input."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from content.services import SLUG_MAX, SUMMARY_MAX, TITLE_MAX

LANGUAGE_CHOICES = [SelectChoice("de", _l("Deutsch")), SelectChoice("en", _l("Englisch"))]


def _category_id(value):
    """The select's value → a category id; the empty placeholder option → None (then "required" applies)."""
    return int(value) if value not in (None, "") else None


class ArticleForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    slug = StringField(_l("Adresse (Slug)"), validators=[Optional(), Length(max=SLUG_MAX)])
    summary = TextAreaField(_l("Zusammenfassung"), validators=[Optional(), Length(max=SUMMARY_MAX)])
    category = SelectField(_l("Kategorie"), coerce=_category_id, validators=[DataRequired()])
    tags = StringField(_l("Schlagwörter"), validators=[Optional(), Length(max=1000)])
    lang = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES, default="de")
    review_by = DateField(_l("Prüfen bis"), validators=[Optional()])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=200_000)])


class TransitionForm(FlaskForm):
    """Only the CSRF token and an optional remark (e.g. why a submission goes back to draft)."""

    note = StringField(_l("Bemerkung"), validators=[Optional(), Length(max=150)])


class EmptyForm(FlaskForm):
    pass
