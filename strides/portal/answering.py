"""The answering flow's pages, as plain values: one step per instrument (then the goals),
the items in the instrument's own wording, and reading a step's posted answers.

Drafts live in the portal session until the review step submits them.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import QueryDict

from strides.goals.models import GoalStatus
from strides.instruments import Instrument, Item, get_instrument
from strides.portal.models import Invitation

GOALS_STEP = "goals"
GOAL_SCALE = tuple(range(11))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class ItemView:
    number: int
    text: str
    choices: list[Choice]
    blank: bool


@dataclass(frozen=True)
class GoalView:
    pk: int
    text: str
    choices: list[Choice]
    blank: bool


@dataclass(frozen=True)
class CrisisResource:
    name: str
    contact: str
    when: str


def crisis_resources() -> list[CrisisResource]:
    resources = []
    for line in settings.STRIDES_CRISIS_RESOURCES.split(";"):
        parts = [part.strip() for part in line.split("|")]
        if parts and parts[0]:
            resources.append(CrisisResource(*[*parts, "", ""][:3]))
    return resources


def steps(invitation: Invitation) -> list[str]:
    """The pages before review: each instrument, then the goals when asked."""
    return [*invitation.instruments, *([GOALS_STEP] if invitation.include_goals else [])]


def asked_items(instrument: Instrument) -> tuple[Item, ...]:
    return (*instrument.items, *instrument.supplementary_items)


def _label(option_label: str | None, value: int) -> str:
    return option_label if option_label else str(value)


def item_views(
    instrument: Instrument, draft: dict[str, object], blanks: set[int]
) -> list[ItemView]:
    views = []
    for item in asked_items(instrument):
        chosen = draft.get(str(item.number))
        views.append(
            ItemView(
                number=item.number,
                text=item.text,
                choices=[
                    Choice(str(o.value), _label(o.label, o.value), chosen == o.value)
                    for o in item.options
                ],
                blank=item.number in blanks,
            )
        )
    return views


def read_items(instrument: Instrument, post: QueryDict) -> dict[str, int | None]:
    """A step's answers: item number (as text) -> the chosen value, or None when blank
    or not one of the item's printed options."""
    answers: dict[str, int | None] = {}
    for item in asked_items(instrument):
        raw = post.get(f"item_{item.number}", "")
        allowed = {o.value for o in item.options}
        value = int(raw) if raw.lstrip("-").isdigit() else None
        answers[str(item.number)] = value if value in allowed else None
    return answers


def blank_items(instrument: Instrument, answers: dict[str, int | None]) -> set[int]:
    return {item.number for item in instrument.items if answers.get(str(item.number)) is None}


def endorses_risk(instrument: Instrument, answers: dict[str, int | None]) -> bool:
    return any((answers.get(str(n)) or 0) > 0 for n in instrument.risk_items)


def goal_views(invitation: Invitation, draft: dict[str, object]) -> list[GoalView]:
    goals = invitation.episode.goals.filter(status=GoalStatus.ACTIVE).order_by("id")
    return [
        GoalView(
            pk=goal.pk,
            text=goal.text,
            choices=[Choice(str(v), str(v), draft.get(str(goal.pk)) == v) for v in GOAL_SCALE],
            blank=False,
        )
        for goal in goals
    ]


def read_goals(invitation: Invitation, post: QueryDict) -> dict[str, int | None]:
    ratings: dict[str, int | None] = {}
    for goal in invitation.episode.goals.filter(status=GoalStatus.ACTIVE):
        raw = post.get(f"goal_{goal.pk}", "")
        ratings[str(goal.pk)] = int(raw) if raw.isdigit() and int(raw) in GOAL_SCALE else None
    return ratings


def submitted_answers(
    draft: dict[str, dict[str, int | None]], codes: list[str]
) -> dict[str, dict[int, int | None]]:
    return {
        code: {int(number): value for number, value in draft.get(code, {}).items()}
        for code in codes
    }


def submitted_goals(draft: dict[str, int | None]) -> dict[int, Decimal]:
    ratings: dict[int, Decimal] = {}
    for goal_id, value in draft.items():
        if value is None:
            continue
        try:
            ratings[int(goal_id)] = Decimal(value)
        except (InvalidOperation, ValueError):
            continue
    return ratings


@dataclass(frozen=True)
class ReviewRow:
    number: int
    text: str
    answer: str


def review_rows(code: str, draft: dict[str, int | None]) -> list[ReviewRow]:
    instrument = get_instrument(code)
    rows = []
    for item in asked_items(instrument):
        value = draft.get(str(item.number))
        label = next((_label(o.label, o.value) for o in item.options if o.value == value), "")
        rows.append(ReviewRow(item.number, item.text, label))
    return rows
