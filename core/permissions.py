"""Role predicates and view decorators shared by pages, the API and templates (DESIGN §4)."""
from __future__ import annotations

from functools import wraps

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.errors import PermissionDenied


def is_editor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_editor)


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


def is_moderator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_moderator)


def _require(predicate, message):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from flask import current_app
                return current_app.login_manager.unauthorized()
            if not predicate(current_user):
                raise PermissionDenied(str(message))  # the lazy string in the current locale
            return view(*args, **kwargs)
        return wrapped
    return decorator


editor_required = _require(is_editor, _l("Nur für Redaktion."))
admin_required = _require(is_admin, _l("Nur für Administratoren."))
moderator_required = _require(is_moderator, _l("Nur für Superuser und Administratoren."))
