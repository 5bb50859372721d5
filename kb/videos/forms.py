"""Editor form for a video: category, tags, visibility. Labels are German msgids."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length


STATUS_CHOICES = [SelectChoice("published", _l("Veröffentlicht")), SelectChoice("hidden", _l("Verborgen"))]


class VideoCurationForm(FlaskForm):
    category = SelectField(_l("Kategorie"), choices=[], validate_choice=True)
    tags = StringField(_l("Schlagwörter (durch Komma getrennt)"), validators=[Length(max=800)])
    status = SelectField(_l("Sichtbarkeit"), choices=STATUS_CHOICES)


class VideoStatusForm(FlaskForm):
    """Hide or show with one button; status is "published" or "hidden"."""
    status = SelectField(_l("Sichtbarkeit"), choices=STATUS_CHOICES)


class VideoImportForm(FlaskForm):
    """An address yt-dlp understands; the rules (http/https only) live in kb.videos.services.check_import_url."""
    source = StringField(_l("Adresse eines Videos, einer Playlist oder eines Kanals"),
                         validators=[DataRequired(), Length(max=1000)])
    category = SelectField(_l("Kategorie für neue Videos"), choices=[], default="", validate_choice=True)
    download = BooleanField(_l("Video herunterladen und selbst ausliefern (höchstens 720p)"))
