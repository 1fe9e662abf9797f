from django import forms
from django.utils.translation import gettext_lazy as _

from strides.alerts.models import AlertAction
from strides.alerts.services import ACTION_NOTE_MAX
from strides.text_limits import LimitedTextField


class AcknowledgeForm(forms.Form):
    # Starts with nothing chosen: the therapist says what was done, never a default.
    action = forms.ChoiceField(
        label=_("What was done"),
        choices=[("", _("Choose what was done")), *AlertAction.choices],
        error_messages={"required": _("Choose what was done.")},
    )
    note = LimitedTextField(
        label=_("Note (needed for “Other”)"),
        required=False,
        max_length=ACTION_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label=_("Snooze until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
