"""Account forms. Labels are German source strings translated by Flask-Babel."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from core.models import ROLES

ROLE_LABELS = {"customer": _l("Kunde"), "superuser": _l("Superuser"), "editor": _l("Redaktion"),
               "admin": _l("Admin")}


class LoginForm(FlaskForm):
    login = StringField(_l("Benutzername oder E-Mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Angemeldet bleiben"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    username = StringField(_l("Benutzername"), validators=[DataRequired(), Length(min=3, max=40)])
    email = EmailField(_l("E-Mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Passwort (mindestens 10 Zeichen)"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Passwort wiederholen"), validators=[DataRequired(), EqualTo("password")])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Aktuelles Passwort"), validators=[DataRequired()])
    new = PasswordField(_l("Neues Passwort (mindestens 10 Zeichen)"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Neues Passwort wiederholen"), validators=[DataRequired(), EqualTo("new")])


class RoleForm(FlaskForm):
    role = SelectField(_l("Rolle"), choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()
                                                     if role in ROLES])
