from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from strides.accounts.models import Role, Supervision, User
from strides.clients.models import Episode


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise Http404("No such page.")


def staff_list(*, actor: User) -> QuerySet[User]:
    _require_admin(actor)
    return User.objects.prefetch_related("supervisees").order_by("role", "username")


def staff_member(*, actor: User, user_id: int) -> User:
    _require_admin(actor)
    return get_object_or_404(User, pk=user_id)


def open_episodes_of(*, actor: User, therapist: User) -> QuerySet[Episode]:
    """The open episodes a staff member treats, for an admin to transfer: client and
    episode numbers and dates only, no clinical content."""
    _require_admin(actor)
    return Episode.objects.filter(therapist=therapist, end__isnull=True).order_by("start", "id")


def episode_for_transfer(*, actor: User, episode_id: int) -> Episode:
    _require_admin(actor)
    return get_object_or_404(
        Episode.objects.select_related("therapist"), pk=episode_id, end__isnull=True
    )


def supervised_by(*, user: User) -> QuerySet[Supervision]:
    """Who supervises the user, and since when: shown to them on their own page."""
    return Supervision.objects.filter(
        supervisee=user, supervisor__is_active=True, supervisor__role=Role.SUPERVISOR
    ).select_related("supervisor")


def supervising(*, user: User) -> QuerySet[Supervision]:
    return Supervision.objects.filter(supervisor=user, supervisee__is_active=True).select_related(
        "supervisee"
    )
