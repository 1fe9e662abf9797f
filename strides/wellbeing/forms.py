from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strides.instruments import get_instrument
from strides.text_limits import LimitedTextField
from strides.wellbeing.models import Cadence
from strides.wellbeing.services import MOMENT_MAX_LENGTH, PROQOL


class MomentForm(forms.Form):
    text = LimitedTextField(
        label=_("What mattered"),
        max_length=MOMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Private to you. For example: she laughed for the first time in months."),
    )


class ScheduleForm(forms.Form):
    every_days = forms.TypedChoiceField(
        label=_("Remind me"), choices=Cadence.choices, coerce=int, initial=Cadence.OFF
    )


class CheckInForm(forms.Form):
    """The ProQOL 5 items, worded exactly as the shipped definition, as radio groups."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instrument = get_instrument(PROQOL)
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[
                    (option.value, option.label or str(option.value)) for option in item.options
                ],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, int]:
        return {
            int(name.removeprefix("item_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }
