"""The REST API at /api/v1/: thin routes over the selectors and services.

Lists show only what the token's user may read (`readable_episodes`); a single object
the user may not see is 404 with an audited denial, exactly as in the pages.
"""

import json
from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import FilterLookup, FilterSchema, NinjaAPI, Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field as PydanticField

from strides.accounts.models import User
from strides.accounts.permissions import Access, readable_episodes
from strides.alerts.models import Alert
from strides.alerts.selectors import alert_for_actor, alert_to_handle_for_actor
from strides.alerts.services import alert_acknowledge
from strides.api.auth import ReadOnlyToken, TokenAuth, UnsupportedMediaType
from strides.api.schemas import (
    MAX_ID,
    AcknowledgeIn,
    AlertOut,
    AppointmentIn,
    AppointmentOut,
    AssessmentIn,
    AssessmentOut,
    ClientOut,
    DbId,
    EpisodeOut,
    GoalIn,
    GoalOut,
    GoalRatingIn,
    GoalRatingOut,
    MilestoneOut,
    Problem,
    Text,
)
from strides.assessments.models import Assessment
from strides.assessments.selectors import assessment_for_actor
from strides.assessments.services import assessment_record
from strides.audit.services import audit_record
from strides.clients.models import Appointment, Client, Episode
from strides.clients.selectors import appointment_for_actor, client_for_actor, episode_for_actor
from strides.clients.services import appointment_create
from strides.goals.models import Goal, GoalRating
from strides.goals.selectors import goal_for_actor
from strides.goals.services import goal_create, goal_rate
from strides.milestones.models import Milestone
from strides.milestones.selectors import milestone_for_actor

READ_ERRORS: dict[int, Any] = {401: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    415: Problem,
    422: Problem,
}
LIST_ERRORS: dict[int, Any] = {401: Problem, 422: Problem}

ObjectId = Path(..., ge=1, le=MAX_ID)
MAX_OFFSET = 1_000_000


class Pages(LimitOffsetPagination):
    """Limit and offset, both bounded (an offset past any real list is a 422)."""

    class Input(Schema):
        limit: int = PydanticField(50, ge=1, le=200)
        offset: int = PydanticField(0, ge=0, le=MAX_OFFSET)


api = NinjaAPI(
    title="Strides API",
    version="1",
    description=(
        "Measurement-based care records over HTTP. Send a personal access token as "
        "`Authorization: Bearer <token>`. See docs/api.md."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,  # ninja's Swagger page loads scripts from a CDN; docs/api.md instead
    openapi_extra={"info": {"license": {"name": "AGPL-3.0-or-later"}}},
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _problem(request: HttpRequest, detail: Any, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, "Not found.", 404)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, "Send a valid personal access token as a Bearer token.", 401)


@api.exception_handler(ReadOnlyToken)
def _read_only(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, "This token may only read; create a read-write token.", 403)


@api.exception_handler(UnsupportedMediaType)
def _media_type(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, "Send the body as application/json.", 415)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _problem(request, json.loads(json.dumps(exc.errors, default=str)), 422)


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _problem(request, list(exc.messages), 422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _problem(request, str(exc), exc.status_code)


def _listed(request: HttpRequest, what: str) -> None:
    audit_record(actor=_user(request), action=f"api.{what}.list")


def _episodes(request: HttpRequest) -> QuerySet[Episode]:
    return readable_episodes(_user(request))


# Clients -------------------------------------------------------------------------

clients = Router(tags=["clients"])


class ClientFilters(FilterSchema):
    display_name: Annotated[Text | None, FilterLookup("display_name__icontains")] = None


@clients.get("", response={200: list[ClientOut], **LIST_ERRORS})
@paginate(Pages)
def client_list(request: HttpRequest, filters: Query[ClientFilters]) -> QuerySet[Client]:
    _listed(request, "clients")
    visible = Client.objects.filter(pk__in=_episodes(request).values("client_id"))
    return filters.filter(visible)


@clients.get("/{client_id}", response={200: ClientOut, **READ_ERRORS})
def client_detail(request: HttpRequest, client_id: int = ObjectId) -> Client:
    return client_for_actor(actor=_user(request), client_id=client_id, action="api.client.view")[0]


# Episodes ------------------------------------------------------------------------

episodes = Router(tags=["episodes"])


class EpisodeFilters(FilterSchema):
    client: Annotated[DbId | None, FilterLookup("client_id")] = None
    active: Annotated[bool | None, FilterLookup("end__isnull")] = None


@episodes.get("", response={200: list[EpisodeOut], **LIST_ERRORS})
@paginate(Pages)
def episode_list(request: HttpRequest, filters: Query[EpisodeFilters]) -> QuerySet[Episode]:
    _listed(request, "episodes")
    return filters.filter(_episodes(request).order_by("-start", "-id"))


@episodes.get("/{episode_id}", response={200: EpisodeOut, **READ_ERRORS})
def episode_detail(request: HttpRequest, episode_id: int = ObjectId) -> Episode:
    return episode_for_actor(actor=_user(request), episode_id=episode_id, action="api.episode.view")


# Appointments --------------------------------------------------------------------

appointments = Router(tags=["appointments"])


class AppointmentFilters(FilterSchema):
    episode: Annotated[DbId | None, FilterLookup("episode_id")] = None
    status: Text | None = None
    after: Annotated[date | None, FilterLookup("at__date__gte")] = None
    before: Annotated[date | None, FilterLookup("at__date__lte")] = None


@appointments.get("", response={200: list[AppointmentOut], **LIST_ERRORS})
@paginate(Pages)
def appointment_list(
    request: HttpRequest, filters: Query[AppointmentFilters]
) -> QuerySet[Appointment]:
    _listed(request, "appointments")
    return filters.filter(Appointment.objects.filter(episode__in=_episodes(request)))


@appointments.get("/{appointment_id}", response={200: AppointmentOut, **READ_ERRORS})
def appointment_detail(request: HttpRequest, appointment_id: int = ObjectId) -> Appointment:
    return appointment_for_actor(
        actor=_user(request), appointment_id=appointment_id, action="api.appointment.view"
    )


@appointments.post("", response={201: AppointmentOut, **WRITE_ERRORS})
def appointment_new(request: HttpRequest, data: AppointmentIn) -> Status[Appointment]:
    actor = _user(request)
    episode = episode_for_actor(actor=actor, episode_id=data.episode, need=Access.WRITE)
    return Status(
        201,
        appointment_create(
            actor=actor, episode=episode, at=data.at, kind=data.kind, status=data.status
        ),
    )


# Assessments ---------------------------------------------------------------------

assessments = Router(tags=["assessments"])


class AssessmentFilters(FilterSchema):
    episode: Annotated[DbId | None, FilterLookup("episode_id")] = None
    instrument_code: Text | None = None
    taken_after: Annotated[date | None, FilterLookup("taken_on__gte")] = None
    taken_before: Annotated[date | None, FilterLookup("taken_on__lte")] = None
    current: Annotated[bool | None, FilterLookup("is_current")] = None


@assessments.get("", response={200: list[AssessmentOut], **LIST_ERRORS})
@paginate(Pages)
def assessment_list(
    request: HttpRequest, filters: Query[AssessmentFilters]
) -> QuerySet[Assessment]:
    _listed(request, "assessments")
    return filters.filter(Assessment.objects.filter(episode__in=_episodes(request)))


@assessments.get("/{assessment_id}", response={200: AssessmentOut, **READ_ERRORS})
def assessment_detail(request: HttpRequest, assessment_id: int = ObjectId) -> Assessment:
    return assessment_for_actor(
        actor=_user(request), assessment_id=assessment_id, action="api.assessment.view"
    )


@assessments.post("", response={201: AssessmentOut, **WRITE_ERRORS})
def assessment_new(request: HttpRequest, data: AssessmentIn) -> Status[Assessment]:
    """Record one administration from its answers; the server scores it."""
    actor = _user(request)
    episode = episode_for_actor(actor=actor, episode_id=data.episode, need=Access.WRITE)
    appointment = None
    if data.appointment is not None:
        appointment = appointment_for_actor(
            actor=actor, appointment_id=data.appointment, need=Access.WRITE
        )
    return Status(
        201,
        assessment_record(
            actor=actor,
            episode=episode,
            instrument_code=data.instrument_code,
            answers={int(number): value for number, value in data.answers.items()},
            taken_on=data.taken_on,
            submission_key=data.submission_key,
            mode=data.mode,
            appointment=appointment,
        ),
    )


# Goals and ratings ---------------------------------------------------------------

goals = Router(tags=["goals"])


class GoalFilters(FilterSchema):
    episode: Annotated[DbId | None, FilterLookup("episode_id")] = None
    status: Text | None = None


@goals.get("", response={200: list[GoalOut], **LIST_ERRORS})
@paginate(Pages)
def goal_list(request: HttpRequest, filters: Query[GoalFilters]) -> QuerySet[Goal]:
    _listed(request, "goals")
    return filters.filter(Goal.objects.filter(episode__in=_episodes(request)))


@goals.get("/{goal_id}", response={200: GoalOut, **READ_ERRORS})
def goal_detail(request: HttpRequest, goal_id: int = ObjectId) -> Goal:
    return goal_for_actor(actor=_user(request), goal_id=goal_id, action="api.goal.view")


@goals.post("", response={201: GoalOut, **WRITE_ERRORS})
def goal_new(request: HttpRequest, data: GoalIn) -> Status[Goal]:
    actor = _user(request)
    episode = episode_for_actor(actor=actor, episode_id=data.episode, need=Access.WRITE)
    return Status(
        201,
        goal_create(
            actor=actor,
            episode=episode,
            text=data.text,
            submission_key=data.submission_key,
            gas_weight=data.gas_weight,
        ),
    )


@goals.get("/{goal_id}/ratings", response={200: list[GoalRatingOut], **READ_ERRORS})
@paginate(Pages)
def goal_ratings(request: HttpRequest, goal_id: int = ObjectId) -> QuerySet[GoalRating]:
    goal = goal_for_actor(actor=_user(request), goal_id=goal_id, action="api.goal.ratings")
    return goal.ratings.all()


@goals.post("/{goal_id}/ratings", response={201: GoalRatingOut, **WRITE_ERRORS})
def goal_rating_new(
    request: HttpRequest, data: GoalRatingIn, goal_id: int = ObjectId
) -> Status[GoalRating]:
    actor = _user(request)
    goal = goal_for_actor(actor=actor, goal_id=goal_id, need=Access.WRITE, action="goal.rate")
    return Status(
        201,
        goal_rate(
            actor=actor,
            goal=goal,
            rating=data.rating_decimal(),
            rated_on=data.rated_on,
            submission_key=data.submission_key,
            gas_level=data.gas_level,
        ),
    )


# Milestones ----------------------------------------------------------------------

milestones = Router(tags=["milestones"])


class MilestoneFilters(FilterSchema):
    episode: Annotated[DbId | None, FilterLookup("episode_id")] = None
    kind: Text | None = None


@milestones.get("", response={200: list[MilestoneOut], **LIST_ERRORS})
@paginate(Pages)
def milestone_list(request: HttpRequest, filters: Query[MilestoneFilters]) -> QuerySet[Milestone]:
    _listed(request, "milestones")
    return filters.filter(Milestone.objects.filter(episode__in=_episodes(request)))


@milestones.get("/{milestone_id}", response={200: MilestoneOut, **READ_ERRORS})
def milestone_detail(request: HttpRequest, milestone_id: int = ObjectId) -> Milestone:
    return milestone_for_actor(
        actor=_user(request), milestone_id=milestone_id, action="api.milestone.view"
    )


# Alerts --------------------------------------------------------------------------

alerts = Router(tags=["alerts"])


class AlertFilters(FilterSchema):
    episode: Annotated[DbId | None, FilterLookup("episode_id")] = None
    status: Text | None = None
    kind: Text | None = None


@alerts.get("", response={200: list[AlertOut], **LIST_ERRORS})
@paginate(Pages)
def alert_list(request: HttpRequest, filters: Query[AlertFilters]) -> QuerySet[Alert]:
    _listed(request, "alerts")
    return filters.filter(Alert.objects.filter(episode__in=_episodes(request)))


@alerts.get("/{alert_id}", response={200: AlertOut, **READ_ERRORS})
def alert_detail(request: HttpRequest, alert_id: int = ObjectId) -> Alert:
    return alert_for_actor(actor=_user(request), alert_id=alert_id, action="api.alert.view")


@alerts.post("/{alert_id}/acknowledge", response={200: AlertOut, **WRITE_ERRORS})
def alert_acknowledge_route(
    request: HttpRequest, data: AcknowledgeIn, alert_id: int = ObjectId
) -> Alert:
    actor = _user(request)
    alert = alert_to_handle_for_actor(actor=actor, alert_id=alert_id)
    return alert_acknowledge(actor=actor, alert=alert, action=data.action, note=data.note)


api.add_router("/clients", clients)
api.add_router("/episodes", episodes)
api.add_router("/appointments", appointments)
api.add_router("/assessments", assessments)
api.add_router("/goals", goals)
api.add_router("/milestones", milestones)
api.add_router("/alerts", alerts)
