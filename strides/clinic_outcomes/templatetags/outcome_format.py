from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A proportion as a whole percentage (0.4167 -> "42 %"); "" when hidden."""
    return "" if value is None else f"{round(value * 100)} %"


@register.filter
def effect(value: float | None) -> str:
    """An effect size with two decimals, the minus sign typeset; "" when hidden."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "\u2212")
