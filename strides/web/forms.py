from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form, as a non-field error."""
    for message in error.messages:
        form.add_error(None, message)
