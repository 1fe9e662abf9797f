"""Reading goals: one access rule, audited; ratings, changes and GAS from `strides.progress`."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import Access, episode_access, record_for_actor
from strides.clients.models import Episode
from strides.goals.models import MAX_ACTIVE_GOALS, Goal, GoalRating, GoalStatus, GoalStatusChange
from strides.lib.charts import GOALS_PER_CHART, GoalSeries
from strides.lib.svg import goal_chart
from strides.milestones.models import Milestone, MilestoneKind
from strides.outcomes.charts import page_date_pattern
from strides.progress import gas_t_score, goal_reliably_improved
from strides.progress.wording import format_score


def goal_for_actor(
    *, actor: User, goal_id: int, need: Access = Access.READ, action: str = "goal.view"
) -> Goal:
    return record_for_actor(
        actor=actor,
        queryset=Goal.objects.select_related("episode__client", "episode__therapist"),
        pk=goal_id,
        episode_of=lambda g: g.episode,
        need=need,
        action=action,
    )


def can_change(*, actor: User, episode: Episode) -> bool:
    return episode_access(actor, episode) == Access.WRITE


@dataclass(frozen=True)
class GoalView:
    """One goal as the page shows it: ratings and status history oldest first."""

    goal: Goal
    number: int  # the goal's number within its episode, in the order goals were set
    text: str
    ratings: list[GoalRating]
    history: list[GoalStatusChange]
    latest: GoalRating | None
    change: float | None  # last rating minus first; None before a second rating
    reliably_improved: bool
    gas_level: int | None  # the latest GAS level recorded for the goal

    @property
    def is_active(self) -> bool:
        return self.goal.status == GoalStatus.ACTIVE


@dataclass(frozen=True)
class EpisodeGoals:
    """An episode's goals (iterate it like the list of `GoalView`), active ones first,
    with the GAS T-score of the active goals that have a GAS level (None without any)."""

    goals: list[GoalView]
    gas_t_score: float | None
    gas_goals: int

    def __iter__(self) -> Iterator[GoalView]:
        return iter(self.goals)

    def __len__(self) -> int:
        return len(self.goals)

    @property
    def active(self) -> int:
        return sum(view.is_active for view in self.goals)

    @property
    def room_for_another(self) -> bool:
        return self.active < MAX_ACTIVE_GOALS


def _goal_view(goal: Goal, number: int) -> GoalView:
    ratings = list(goal.ratings.all())
    first, latest = (ratings[0], ratings[-1]) if ratings else (None, None)
    change = None
    improved = False
    if first is not None and latest is not None and len(ratings) > 1:
        change = float(latest.rating) - float(first.rating)
        improved = goal_reliably_improved(float(first.rating), float(latest.rating))
    levels = [r.gas_level for r in ratings if r.gas_level is not None]
    return GoalView(
        goal=goal,
        number=number,
        text=goal.text,
        ratings=ratings,
        history=list(goal.status_changes.all()),
        latest=latest,
        change=change,
        reliably_improved=improved,
        gas_level=levels[-1] if levels else None,
    )


def _display_order(view: GoalView) -> tuple[bool, int]:
    """Active goals in the order they were set, then the closed ones, newest first."""
    return (not view.is_active, view.goal.pk if view.is_active else -view.goal.pk)


def episode_goals(*, episode: Episode) -> EpisodeGoals:
    """Call only with an episode the actor was allowed to see (`episode_for_actor` or the
    client page's `client_for_actor`)."""
    goals = episode.goals.prefetch_related(
        Prefetch(
            "ratings",
            queryset=GoalRating.objects.select_related("rated_by").order_by("rated_on", "id"),
        ),
        Prefetch(
            "status_changes",
            queryset=GoalStatusChange.objects.select_related("by").order_by("at", "id"),
        ),
    )
    numbered = enumerate(sorted(goals, key=lambda goal: goal.pk), start=1)
    views = sorted((_goal_view(goal, number) for number, goal in numbered), key=_display_order)
    scored = [view for view in views if view.is_active and view.gas_level is not None]
    t_score = (
        gas_t_score(
            [view.gas_level for view in scored if view.gas_level is not None],
            [view.goal.gas_weight for view in scored],
        )
        if scored
        else None
    )
    return EpisodeGoals(goals=views, gas_t_score=t_score, gas_goals=len(scored))


def goal_chart_svg(*, episode: Episode, goals: EpisodeGoals | None = None, width: int = 640) -> str:
    """The goal chart of the episode's first three rated goals in page order (active
    first), each named "Goal N: …" in the client's words, or "" while no goal has a
    rating. Pass `goals` already read to draw without reading them again."""
    views = goals if goals is not None else episode_goals(episode=episode)
    rated = [view for view in views if view.ratings][:GOALS_PER_CHART]
    if not rated:
        return ""
    series = [
        GoalSeries(
            name=_("Goal %(n)s: %(text)s") % {"n": view.number, "text": view.text},
            ratings=[(r.rated_on, float(r.rating)) for r in view.ratings],
        )
        for view in rated
    ]
    height = 220 if width >= 480 else 260
    return goal_chart(
        series,
        title=_("Goal ratings"),
        width=width,
        height=height,
        date_pattern=page_date_pattern(),
    )


@dataclass(frozen=True)
class GoalLabel:
    number: int  # within its episode, in the order goals were set
    text: str  # the client's own words, decrypted for this page only


def goal_labels(*, episodes: Iterable[int] | QuerySet[Episode]) -> dict[int, GoalLabel]:
    """Each goal's number and words, by goal id: the same number the goals list, the goal
    chart, milestones and the timeline show. One query; call with episodes the actor may
    read."""
    labels: dict[int, GoalLabel] = {}
    counts: dict[int, int] = {}
    for goal in Goal.objects.filter(episode__in=episodes).order_by("episode_id", "id"):
        counts[goal.episode_id] = counts.get(goal.episode_id, 0) + 1
        labels[goal.pk] = GoalLabel(number=counts[goal.episode_id], text=goal.text)
    return labels


def goal_milestone_words(milestone: Milestone, labels: dict[int, GoalLabel]) -> str:
    """A goal milestone in the client's words ("Goal 1 “Walk to the shop” rated 8/10"),
    worded at render time from its evidence; any other milestone's stored summary."""
    evidence = milestone.evidence or {}
    label = labels.get(evidence.get("goal_id", 0))
    if label is None:
        return milestone.summary
    goal = {"n": label.number, "text": label.text}
    if milestone.kind == MilestoneKind.GOAL_HIGH:
        return _("Goal %(n)s “%(text)s” rated %(rating)s/10.") % {
            **goal,
            "rating": format_score(float(evidence["rating"])),
        }
    if milestone.kind == MilestoneKind.GOAL_IMPROVED:
        return _(
            "Goal %(n)s “%(text)s” up %(change)s points since the first rating "
            "(%(first)s → %(rating)s/10)."
        ) % {
            **goal,
            "change": format_score(float(evidence["change"])),
            "first": format_score(float(evidence["first_rating"])),
            "rating": format_score(float(evidence["rating"])),
        }
    return milestone.summary
