"""Editor form for a video: category, tags, visibility. Labels are German msgids."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length


STATUS_CHOICES = [SelectChoice("published", _l("Veröffentlicht")), SelectChoice("hidden", _l("Verborgen"))]


class VideoCurationForm(FlaskForm):
    category = SelectField(_l("Kategorie"), choices=[], validate_choice=True)
    tags = StringField(_l("Schlagwörter (durch Komma getrennt)"), validators=[Length(max=800)])
    status = SelectField(_l("Sichtbarkeit"), choices=STATUS_CHOICES)


class VideoStatusForm(FlaskForm):
    """Hide or show with one button; status is "published" or "hidden"."""
    status = SelectField(_l("Sichtbarkeit"), choices=STATUS_CHOICES)
