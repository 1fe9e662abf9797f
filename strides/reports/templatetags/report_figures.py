from django import template
from django.utils.safestring import SafeString

from strides.reports.pdf import svg_image

register = template.Library()


@register.filter
def as_image(svg: str) -> SafeString:
    """A chart's SVG as the `<img>` the PDF draws it from (`pdf.svg_image`)."""
    return svg_image(svg)
