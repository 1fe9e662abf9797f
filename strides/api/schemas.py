"""The API's input and output shapes.

Inputs are strict: a value must already have the declared JSON type (no `false` for 0,
no "3" for 3) and an unknown field is refused. Dates and times are ISO 8601 strings.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict


def _iso(kind: type[date] | type[datetime]) -> Any:
    def parse(value: object) -> date | datetime:
        if not isinstance(value, str):
            raise ValueError(f"give the {kind.__name__} as an ISO 8601 string")
        try:
            return kind.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO 8601 {kind.__name__}: {value!r}") from None

    return BeforeValidator(parse)


def _uuid(value: object) -> uuid.UUID:
    if not isinstance(value, str):
        raise ValueError("give the key as a UUID string")
    return uuid.UUID(value)


# PostgreSQL text cannot hold NUL, so no input string may carry one.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(pattern=NO_NUL)]

IsoDate = Annotated[date, _iso(date)]
IsoDateTime = Annotated[datetime, _iso(datetime)]
Key = Annotated[uuid.UUID, BeforeValidator(_uuid)]
MAX_ID = 2**63 - 1  # the largest id the databases store
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Id = DbId


class StrictIn(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")


class Problem(Schema):
    detail: str | list[Any]


class ClientOut(Schema):
    id: int
    display_name: str
    date_of_birth: date | None
    email: str
    phone: str


class EpisodeOut(Schema):
    id: int
    client: int = Field(alias="client_id")
    therapist: int = Field(alias="therapist_id")
    start: date
    end: date | None
    end_reason: str
    anxiety_measure: str


class AppointmentOut(Schema):
    id: int
    episode: int = Field(alias="episode_id")
    at: datetime
    kind: str
    status: str


class AppointmentIn(StrictIn):
    episode: Id
    at: IsoDateTime
    kind: Literal["assessment", "treatment"] = "treatment"
    status: Literal["scheduled", "attended", "cancelled", "did_not_attend"] = "scheduled"


class AssessmentOut(Schema):
    id: int
    episode: int = Field(alias="episode_id")
    instrument_code: str
    instrument_version: str
    taken_on: date
    mode: str
    answers: dict[str, int | float | str | None]
    total: float | None
    band: str
    subscales: dict[str, Any]
    percentage: float | None
    flags: list[str]
    has_risk: bool
    is_current: bool


AnswerValue = int | Annotated[float, Field(allow_inf_nan=False)] | Literal["not_applicable"] | None


class AssessmentIn(StrictIn):
    episode: Id
    instrument_code: Annotated[str, Field(max_length=40, pattern=NO_NUL)]
    taken_on: IsoDate
    answers: Annotated[
        dict[Annotated[str, Field(pattern=r"^[1-9][0-9]{0,2}$")], AnswerValue],
        Field(min_length=1, max_length=200),
    ]
    submission_key: Key
    mode: Literal["in_session", "portal", "paper"] = "in_session"
    appointment: Id | None = None


class GoalOut(Schema):
    id: int
    episode: int = Field(alias="episode_id")
    text: str
    status: str
    gas_weight: int
    version: int


class GoalIn(StrictIn):
    episode: Id
    text: Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]
    submission_key: Key
    gas_weight: Annotated[int, Field(ge=1, le=10)] = 1


class GoalRatingOut(Schema):
    id: int
    goal: int = Field(alias="goal_id")
    rating: float
    rated_on: date
    gas_level: int | None
    source: str


class GoalRatingIn(StrictIn):
    rating: Annotated[int | float, Field(ge=0, le=10, allow_inf_nan=False)]
    rated_on: IsoDate
    submission_key: Key
    gas_level: Annotated[int, Field(ge=-2, le=2)] | None = None

    def rating_decimal(self) -> Decimal:
        return Decimal(repr(self.rating))


class MilestoneOut(Schema):
    id: int
    episode: int = Field(alias="episode_id")
    kind: str
    instrument: str
    occurred_on: date
    summary: str
    celebrated_at: datetime | None


class AlertOut(Schema):
    id: int
    episode: int = Field(alias="episode_id")
    kind: str
    instrument: str
    status: str
    immediate: bool
    occurred_on: date
    latest_on: date
    summary: str
    acknowledged_at: datetime | None
    action: str


class AcknowledgeIn(StrictIn):
    action: Literal["discussed_with_client", "changed_plan", "safety_plan", "referred", "other"]
    note: Annotated[str, Field(max_length=500, pattern=NO_NUL)] = ""
