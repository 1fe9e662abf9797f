from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from strides.api.services import MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, for example the practice's reporting script."),
    )
    write = forms.BooleanField(
        label=_("Allow this token to change records (read-write)"), required=False
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=settings.STRIDES_API_TOKEN_DAYS,
    )
