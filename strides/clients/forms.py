"""Forms validate input only; saving goes through the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strides.clients import dates
from strides.clients.models import (
    AnxietyMeasure,
    AppointmentKind,
    AppointmentStatus,
    Client,
    EndReason,
    Episode,
)
from strides.clients.services import (
    BREAK_GLASS_REASON_MAX,
    DISPLAY_NAME_MAX,
    PHONE_MAX,
    PRESENTING_PROBLEM_MAX,
)
from strides.text_limits import LimitedTextField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ClientForm(dates.DateRulesForm):
    display_name = LimitedTextField(
        label=_("Display name or pseudonym"), max_length=DISPLAY_NAME_MAX
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    email = forms.EmailField(label=_("Contact email"), required=False)
    phone = LimitedTextField(label=_("Contact phone"), max_length=PHONE_MAX, required=False)
    milestones_enabled = forms.BooleanField(
        label=_("Notice and celebrate milestones"), required=False, initial=True
    )
    celebrations_opt_in = forms.BooleanField(
        label=_("Client agreed to receive celebration messages"), required=False
    )

    def __init__(self, *args: Any, client: Client | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if client is not None:
            rule = dates.client_birth_date_rule(client)
            self.set_date_rule("date_of_birth", rule, only_if_changed=True)


def _presenting_problem_field() -> LimitedTextField:
    return LimitedTextField(
        label=_("Presenting problem"), max_length=PRESENTING_PROBLEM_MAX, required=False
    )


def _anxiety_measure_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Anxiety measure paired with PHQ-9"),
        choices=AnxietyMeasure.choices,
        initial=AnxietyMeasure.GAD7,
    )


class EpisodeForm(dates.DateRulesForm):
    start = forms.DateField(label=_("Start"), widget=DATE)
    presenting_problem = _presenting_problem_field()
    anxiety_measure = _anxiety_measure_field()

    def __init__(
        self, *args: Any, client: Client, episode: Episode | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if episode is None:
            self.set_date_rule("start", dates.new_episode_start_rule(client.date_of_birth))
        else:
            rule = dates.episode_start_rule(episode)
            self.set_date_rule("start", rule, only_if_changed=True)


class NewClientForm(ClientForm):
    episode_start = forms.DateField(label=_("First episode starts"), widget=DATE)
    presenting_problem = _presenting_problem_field()
    anxiety_measure = _anxiety_measure_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, client=None, **kwargs)
        self.set_date_rule("episode_start", dates.new_episode_start_rule(None))
        self.set_date_rule("date_of_birth", dates.birth_date_rule(None))

    def clean(self) -> dict[str, Any]:
        # The date of birth may not be after the first episode's start.
        start = self.cleaned_data.get("episode_start")
        self.set_date_rule("date_of_birth", dates.birth_date_rule(start))
        return super().clean()


class EndEpisodeForm(dates.DateRulesForm):
    end = forms.DateField(label=_("End"), widget=DATE)
    end_reason = forms.ChoiceField(label=_("End reason"), choices=EndReason.choices)

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_date_rule("end", dates.episode_end_rule(episode))


class AppointmentForm(dates.DateRulesForm):
    at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME,
        help_text=_("An appointment can be scheduled ahead; attended or missed ones are past."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AppointmentKind.choices, initial=AppointmentKind.TREATMENT
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=AppointmentStatus.choices, initial=AppointmentStatus.SCHEDULED
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.set_date_rule("at", dates.appointment_rule(episode, AppointmentStatus.SCHEDULED))

    def clean(self) -> dict[str, Any]:
        # Whether the day may lie ahead depends on the status chosen with it. An
        # appointment left as it was is not checked again, as in the service.
        if {"at", "status"} & set(self.changed_data):
            status = self.cleaned_data.get("status", AppointmentStatus.SCHEDULED)
            self.set_date_rule("at", dates.appointment_rule(self.episode, status))
        else:
            self.date_rules.pop("at", None)
        return super().clean()


class BreakGlassForm(forms.Form):
    client_number = forms.IntegerField(label=_("Client number"), min_value=1)
    reason = LimitedTextField(
        label=_("Why do you need to open this record?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=BREAK_GLASS_REASON_MAX,
    )
