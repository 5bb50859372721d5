"""Forms of the customer pages (feedback) and the editor's status banner page. Labels are German msgids."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from kb.services import COMMENT_MAX


class FeedbackForm(FlaskForm):
    """"War dieser Artikel hilfreich?": the two submit buttons carry name="helpful" and value yes/no."""

    helpful = RadioField(_l("War dieser Artikel hilfreich?"), choices=[SelectChoice("yes", _l("Ja")), SelectChoice("no", _l("Nein"))],
                         validators=[InputRequired()])


class FeedbackCommentForm(FlaskForm):
    comment = TextAreaField(_l("Was hat Ihnen gefehlt?"),
                            validators=[DataRequired(), Length(max=COMMENT_MAX)])


def banner_levels():
    return [SelectChoice("outage", _l("Störung")), SelectChoice("maintenance", _l("Wartung")),
            SelectChoice("info", _l("Information"))]


class BannerForm(FlaskForm):
    level = SelectField(_l("Art"), choices=banner_levels())  # the choices validate it
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    message = TextAreaField(_l("Meldung"), validators=[Optional(), Length(max=2000)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    keywords = StringField(_l("Suchbegriffe (durch Kommas getrennt)"), validators=[Optional(), Length(max=500)])
