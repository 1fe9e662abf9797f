from django import template

from strides.alerts.models import AlertAction

register = template.Library()


@register.simple_tag
def alert_actions() -> list[tuple[str, str]]:
    """The actions a therapist can record when acknowledging an alert."""
    return [(value, str(label)) for value, label in AlertAction.choices]
