"""The per-instrument answer form, built from the instrument definition."""

import uuid
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from strides.assessments.models import Mode
from strides.assessments.services import CORRECTION_REASON_MAX
from strides.clients import dates
from strides.clients.models import Appointment, Episode
from strides.instruments import NOT_APPLICABLE, Instrument, InvalidAnswers, Item, score
from strides.text_limits import LimitedTextField

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


def missing_notice(instrument: Instrument, answers: dict[int, Any]) -> str:
    """What happens to an administration with unanswered items, in one paragraph."""
    unanswered = [item.number for item in instrument.items if answers.get(item.number) is None]
    text = ngettext(
        "%(missing)s of %(items)s items is not answered (item %(numbers)s).",
        "%(missing)s of %(items)s items are not answered (items %(numbers)s).",
        len(unanswered),
    ) % {
        "missing": len(unanswered),
        "items": len(instrument.items),
        "numbers": ", ".join(str(n) for n in unanswered),
    }
    result = score(instrument, answers)
    if not instrument.has_total:
        consequence = gettext(
            "A subscale with an unanswered item gets no score: it will be stored as incomplete."
        )
    elif result.total is not None:
        consequence = ngettext(
            "This questionnaire allows up to %(max)s missing item and prorates the total: it "
            "will be stored as %(total)s (prorated).",
            "This questionnaire allows up to %(max)s missing items and prorates the total: it "
            "will be stored as %(total)s (prorated).",
            instrument.max_missing,
        ) % {"max": instrument.max_missing, "total": f"{result.total:g}"}
    elif instrument.max_missing:
        consequence = gettext(
            "That is more than the %(max)s this questionnaire allows: it will be stored as "
            "incomplete, with no total."
        ) % {"max": instrument.max_missing}
    else:
        consequence = gettext(
            "This questionnaire needs every item for a total: it will be stored as "
            "incomplete, with no total."
        )
    return f"{text} {consequence}"


class AssessmentForm(dates.DateRulesForm):
    """One administration. A form with no item answered is refused; one with unanswered
    items is saved only once the person has seen what that means and confirmed it
    (`confirm_missing` carries the unanswered items they confirmed, so a confirmation
    does not cover an item cleared afterwards)."""

    taken_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    # Rendered by hand as a checkbox whose value lists the unanswered items shown.
    confirm_missing = forms.CharField(required=False)

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        episode: Episode,
        with_reason: bool = False,
        appointments: QuerySet[Appointment] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.missing_items = ""
        self.missing_notice = ""
        self.missing_confirmed = False
        self.fields["submission_key"].initial = uuid.uuid4()
        self.set_date_rule("taken_on", dates.entry_rule(episode))
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
            self.fields["reason"] = LimitedTextField(
                label=_("Why is this corrected?"),
                max_length=CORRECTION_REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def missing_count(self) -> int:
        return len(self.missing_items.split(",")) if self.missing_items else 0

    def clean(self) -> dict[str, Any]:
        super().clean()
        if any(name.startswith("item_") and name in self.errors for name in self.fields):
            return self.cleaned_data
        answers = self.answers()
        scored = [answers.get(item.number) for item in self.instrument.items]
        if all(value is None for value in scored):
            self.add_error(
                None,
                _("No item is answered. Answer at least one item, or cancel."),
            )
            return self.cleaned_data
        self.missing_items = ",".join(
            str(item.number) for item in self.instrument.items if answers.get(item.number) is None
        )
        if not self.missing_items:
            return self.cleaned_data
        try:
            self.missing_notice = missing_notice(self.instrument, answers)
        except InvalidAnswers:
            return self.cleaned_data  # the service names the problem
        self.missing_confirmed = self.cleaned_data.get("confirm_missing") == self.missing_items
        if not self.missing_confirmed:
            self.add_error("confirm_missing", self.missing_notice)
        return self.cleaned_data

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

    def __init__(
        self,
        *args: Any,
        instruments: list[Instrument],
        planned: Sequence[str] = (),
        given_today: Collection[str] = (),
        **kwargs: Any,
    ) -> None:
        """The episode's planned measures come first, marked as planned, and the first
        one not given today is chosen."""
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        by_code = {i.code: i for i in instruments}
        first = [code for code in planned if code in by_code]
        rest = [i.code for i in instruments if i.code not in first]
        field.choices = [
            (code, _("%(name)s (planned)") % {"name": by_code[code].name}) for code in first
        ] + [(code, by_code[code].name) for code in rest]
        due = [code for code in first if code not in given_today]
        if due or first:
            self.initial.setdefault("instrument", (due or first)[0])
