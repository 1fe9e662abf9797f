from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from strides.accounts.models import Role, User


def staff_list(*, actor: User) -> QuerySet[User]:
    if actor.role != Role.ADMIN:
        raise Http404("No such page.")
    return User.objects.prefetch_related("supervisees").order_by("role", "username")


def staff_member(*, actor: User, user_id: int) -> User:
    if actor.role != Role.ADMIN:
        raise Http404("No such page.")
    return get_object_or_404(User, pk=user_id)
