"""Milestones (celebrated) and alerts (acted on): what the rules return."""

import datetime
from dataclasses import dataclass, field

Evidence = dict[str, str | int | float]


@dataclass(frozen=True)
class Milestone:
    """A step to celebrate. `key` is the same every time the same event is detected."""

    kind: str
    key: str
    instrument: str | None
    source_id: int | None  # assessment id, or goal id for goal milestones
    when: datetime.date
    evidence: Evidence = field(hash=False)
    summary: str


@dataclass(frozen=True)
class Alert:
    """Something to act on. `summary` explains the alert with its inputs."""

    kind: str
    key: str
    instrument: str | None
    source_id: int | None  # assessment id
    when: datetime.date
    evidence: Evidence = field(hash=False)
    summary: str
    immediate: bool = False  # risk: act today
