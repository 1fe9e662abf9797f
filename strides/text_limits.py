"""Free text a person types has a limit, and text over it is refused with its length,
never cut: "612 characters; the limit is 500."

`LimitedTextField` is the form field: it leaves out the HTML `maxlength` attribute (a
browser silently cuts pasted text at it) and marks the box with `data-limit`, which
`strides/text-counter.js` turns into a live counter. Line breaks count as one
character, as the counter counts them. `check_length` is the same rule for services.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def too_long_message(length: int, limit: int) -> str:
    return _("%(length)s characters; the limit is %(limit)s.") % {
        "length": length,
        "limit": limit,
    }


def check_length(text: str, limit: int) -> None:
    """Refuse `text` longer than `limit` characters (the service-side backstop)."""
    if len(text) > limit:
        raise ValidationError(too_long_message(len(text), limit), code="max_length")


class LimitedTextField(forms.CharField):
    default_error_messages = {
        "max_length": gettext_lazy("%(show_value)s characters; the limit is %(limit_value)s.")
    }

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs["data-limit"] = str(self.max_length)
        return attrs
