"""Forms validate input only; saving goes through the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from strides.clients.models import (
    AnxietyMeasure,
    AppointmentKind,
    AppointmentStatus,
    EndReason,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ClientForm(forms.Form):
    display_name = forms.CharField(label=_("Display name or pseudonym"), max_length=120)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    email = forms.EmailField(label=_("Contact email"), required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    milestones_enabled = forms.BooleanField(
        label=_("Notice and celebrate milestones"), required=False, initial=True
    )
    celebrations_opt_in = forms.BooleanField(
        label=_("Client agreed to receive celebration messages"), required=False
    )


class EpisodeForm(forms.Form):
    start = forms.DateField(label=_("Start"), widget=DATE)
    presenting_problem = forms.CharField(
        label=_("Presenting problem"), max_length=200, required=False
    )
    anxiety_measure = forms.ChoiceField(
        label=_("Anxiety measure paired with PHQ-9"),
        choices=AnxietyMeasure.choices,
        initial=AnxietyMeasure.GAD7,
    )


class NewClientForm(ClientForm):
    episode_start = forms.DateField(label=_("First episode starts"), widget=DATE)
    presenting_problem = EpisodeForm.base_fields["presenting_problem"]
    anxiety_measure = EpisodeForm.base_fields["anxiety_measure"]


class EndEpisodeForm(forms.Form):
    end = forms.DateField(label=_("End"), widget=DATE)
    end_reason = forms.ChoiceField(label=_("End reason"), choices=EndReason.choices)


class AppointmentForm(forms.Form):
    at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AppointmentKind.choices, initial=AppointmentKind.TREATMENT
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=AppointmentStatus.choices, initial=AppointmentStatus.SCHEDULED
    )


class BreakGlassForm(forms.Form):
    client_number = forms.IntegerField(label=_("Client number"), min_value=1)
    reason = forms.CharField(
        label=_("Why do you need to open this record?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
    )
