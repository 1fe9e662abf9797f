from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strides.accounts.models import Role, User
from strides.text_limits import LimitedTextField


class NewStaffForm(forms.Form):
    username = LimitedTextField(label=_("Username"), max_length=150)
    first_name = LimitedTextField(label=_("First name"), max_length=150, required=False)
    last_name = LimitedTextField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.THERAPIST)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, min_length=10
    )


class EditStaffForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Account active"), required=False)
    supervisees = forms.ModelMultipleChoiceField(
        label=_("Supervises"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        queryset=User.objects.filter(role=Role.THERAPIST).order_by("username"),
    )


class TransferEpisodeForm(forms.Form):
    """Choose the active therapist (other than the current one) who takes the episode."""

    def __init__(self, *args: Any, current: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"] = forms.ModelChoiceField(
            label=_("New therapist"),
            queryset=User.objects.filter(role=Role.THERAPIST, is_active=True)
            .exclude(pk=current.pk)
            .order_by("username"),
            help_text=_("They treat the episode from now on; the previous therapist loses access."),
        )
