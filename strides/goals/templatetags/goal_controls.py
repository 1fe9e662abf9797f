from typing import Any

from django import template
from django.utils import timezone

from strides.goals.forms import GoalRatingForm
from strides.goals.models import Goal

register = template.Library()


@register.simple_tag(takes_context=True)
def goal_rating_form(context: template.Context, goal: Goal) -> GoalRatingForm:
    """The inline rating form of one goal: the one just refused, with its errors and what
    was typed, or a fresh one with a new submission key."""
    refused: Any = context.get("rating_form")
    if isinstance(refused, GoalRatingForm) and refused.goal_id == goal.pk:
        return refused
    return GoalRatingForm(
        goal_id=goal.pk, episode=goal.episode, initial={"rated_on": timezone.localdate()}
    )
