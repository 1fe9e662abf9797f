import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strides.clients import dates
from strides.clients.models import Episode
from strides.goals.models import MAX_GAS_WEIGHT, MAX_GOAL_LENGTH, GasLevel, GoalStatus
from strides.goals.services import MAX_STATUS_NOTE_LENGTH, RATING_STEP
from strides.text_limits import LimitedTextField

NOT_SCORED = ""


def _text_field() -> LimitedTextField:
    return LimitedTextField(
        label=_("The goal, in the client's own words"),
        max_length=MAX_GOAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _weight_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("GAS weight"),
        min_value=1,
        max_value=MAX_GAS_WEIGHT,
        initial=1,
        help_text=_(
            "Only used for the Goal Attainment Scaling T-score; leave 1 unless this goal "
            "matters more than the others."
        ),
    )


class GoalForm(forms.Form):
    text = _text_field()
    gas_weight = _weight_field()
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4()


class GoalEditForm(forms.Form):
    text = _text_field()
    gas_weight = _weight_field()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GoalRatingForm(dates.DateRulesForm):
    """One rating of one goal; its ids carry the goal's number, so several goals' forms
    sit on one page."""

    rating = forms.DecimalField(
        label=_("Rating (0 to 10)"),
        min_value=0,
        max_value=10,
        step_size=RATING_STEP,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
        help_text=_("0 = not started, 10 = fully reached; halves allowed."),
    )
    rated_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    gas_level = forms.TypedChoiceField(
        label=_("GAS level"),
        choices=[(NOT_SCORED, _("not scored")), *GasLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, goal_id: int, episode: Episode, **kwargs: Any) -> None:
        kwargs["auto_id"] = f"goal-{goal_id}-%s"
        super().__init__(*args, **kwargs)
        self.goal_id = goal_id
        self.fields["submission_key"].initial = uuid.uuid4()
        self.set_date_rule("rated_on", dates.entry_rule(episode))


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    note = LimitedTextField(
        label=_("Note"),
        required=False,
        max_length=MAX_STATUS_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what happened, e.g. why the goal changed."),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in GoalStatus.choices if value != current]
