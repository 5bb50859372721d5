"""Community forms (labels are German msgids). Rules live in the services; forms only shape the input."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from community.services import BODY_MAX, COMMENT_MAX, TITLE_MAX, TITLE_MIN


class AskForm(FlaskForm):
    title = StringField(_l("Titel Ihrer Frage"), validators=[DataRequired(), Length(min=TITLE_MIN, max=TITLE_MAX)])
    body = TextAreaField(_l("Beschreibung"), validators=[DataRequired(), Length(max=BODY_MAX)])
    category = SelectField(_l("Thema"), choices=[], validate_choice=False)
    tags = StringField(_l("Schlagwörter (durch Komma getrennt, höchstens 5)"), validators=[Optional(), Length(max=200)])
    device = StringField(_l("Gerät oder Produkt (optional)"), validators=[Optional(), Length(max=120)])


class EditQuestionForm(AskForm):
    comment = StringField(_l("Was haben Sie geändert? (optional)"), validators=[Optional(), Length(max=300)])


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Ihre Antwort"), validators=[DataRequired(), Length(max=BODY_MAX)])


class EditAnswerForm(AnswerForm):
    comment = StringField(_l("Was haben Sie geändert? (optional)"), validators=[Optional(), Length(max=300)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Kommentar"), validators=[DataRequired(), Length(max=COMMENT_MAX)])


class DuplicateForm(FlaskForm):
    original_id = IntegerField(_l("Nummer der Original-Frage"), validators=[DataRequired(), NumberRange(min=1)])
    reason = StringField(_l("Begründung (optional)"), validators=[Optional(), Length(max=300)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Begründung (optional)"), validators=[Optional(), Length(max=300)])
    value = HiddenField()


class FlagForm(FlaskForm):
    reason = SelectField(_l("Grund"), choices=[
        SelectChoice("spam", _l("Spam oder Werbung")),
        SelectChoice("offensive", _l("Beleidigend")),
        SelectChoice("personal_data", _l("Enthält persönliche Daten")),
        SelectChoice("off_topic", _l("Gehört nicht hierher")),
        SelectChoice("other", _l("Anderer Grund")),
    ])
    note = StringField(_l("Hinweis (optional)"), validators=[Optional(), Length(max=300)])
