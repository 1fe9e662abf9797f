"""The per-instrument answer form, built from the instrument definition."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from strides.assessments.models import Mode
from strides.clients.models import Appointment
from strides.instruments import NOT_APPLICABLE, Instrument, Item

NOT_ANSWERED = ""


def _item_field(item: Item) -> forms.Field:
    label = f"{item.number}. {item.text}"
    if item.scale is not None:
        scale = item.scale
        return forms.DecimalField(
            label=label,
            required=False,
            min_value=Decimal(scale.min.numerator) / scale.min.denominator,
            max_value=Decimal(scale.max.numerator) / scale.max.denominator,
            widget=forms.NumberInput(attrs={"step": str(float(scale.step))}),
            help_text=_("Leave empty if not answered."),
        )
    choices: list[tuple[str, str]] = [(NOT_ANSWERED, str(_("Not answered")))]
    choices += [
        (str(o.value), f"{o.value} · {o.label}" if o.label else str(o.value)) for o in item.options
    ]
    if item.not_applicable_label:
        choices.append((NOT_APPLICABLE, item.not_applicable_label))
    return forms.ChoiceField(
        label=label, choices=choices, required=False, widget=forms.RadioSelect, initial=NOT_ANSWERED
    )


class AssessmentForm(forms.Form):
    taken_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        with_reason: bool = False,
        appointments: QuerySet[Appointment] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["submission_key"].initial = uuid.uuid4()
        if appointments is not None:
            self.fields["appointment"] = forms.ModelChoiceField(
                label=_("Appointment"),
                queryset=appointments,
                required=False,
                empty_label=str(_("Not tied to an appointment")),
            )
            self.fields["mode"] = forms.ChoiceField(
                label=_("How it was given"),
                choices=[(Mode.IN_SESSION, Mode.IN_SESSION.label), (Mode.PAPER, Mode.PAPER.label)],
                initial=Mode.IN_SESSION,
                required=False,
            )
        for item in (*instrument.items, *instrument.supplementary_items):
            field = _item_field(item)
            field.widget.attrs["data-risk"] = "true" if item.risk else "false"
            self.fields[f"item_{item.number}"] = field
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Why is this corrected?"),
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("item_")]

    def answers(self) -> dict[int, int | Decimal | str | None]:
        answers: dict[int, int | Decimal | str | None] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("item_"):
                continue
            number = int(name.removeprefix("item_"))
            if value in (None, NOT_ANSWERED):
                answers[number] = None
            elif value == NOT_APPLICABLE or isinstance(value, Decimal):
                answers[number] = value
            else:
                answers[number] = int(value)
        return answers


def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
    return {f"item_{number}": "" if value is None else value for number, value in answers.items()}


class ChooseInstrumentForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"))

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(i.code, i.name) for i in instruments]
