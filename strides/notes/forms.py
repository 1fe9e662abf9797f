from django import forms
from django.utils.translation import gettext_lazy as _

from strides.notes.services import NOTE_MAX_LENGTH
from strides.text_limits import LimitedTextField


class NoteForm(forms.Form):
    text = LimitedTextField(
        label=_("Session note"),
        max_length=NOTE_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
