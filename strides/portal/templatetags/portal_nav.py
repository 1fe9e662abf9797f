from django import template

from strides.portal.mail import outbox_dir

register = template.Library()


@register.simple_tag
def outbox_enabled() -> bool:
    """Whether the demo Outbox exists (portal mail goes to files, not a mail server)."""
    return outbox_dir() is not None
