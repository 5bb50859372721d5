"""templates/macros/forms.html: labels, hints and errors wired for screen readers; no attribute is ever "None"."""
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

MACRO = '{% from "macros/forms.html" import field %}'


class Sample(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[DataRequired()])
    agree = BooleanField("Immer laden")


def render(app, call: str, data=None) -> str:
    with app.test_request_context(method="POST", data=data or {}):
        form = Sample()
        if data is not None:
            form.validate()
        return render_template_string(MACRO + "{{ " + call + " }}", form=form)


def test_autocomplete_only_when_given(app):
    assert "autocomplete" not in render(app, "field(form.name)")
    assert 'autocomplete="name"' in render(app, "field(form.name, autocomplete='name')")


def test_hint_and_error_are_both_described(app):
    html = render(app, "field(form.name, hint='Wie im Pass')", data={"name": ""})
    assert 'aria-describedby="name-hint name-error"' in html and 'aria-invalid="true"' in html
    assert 'id="name-hint"' in html and 'id="name-error"' in html
    assert "None" not in html


def test_checkbox_keeps_its_hint(app):
    html = render(app, "field(form.agree, hint='Sie können es jederzeit ändern')")
    assert 'id="agree-hint"' in html and 'aria-describedby="agree-hint"' in html
    assert 'type="checkbox"' in html and "None" not in html
