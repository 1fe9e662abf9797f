"""Creating and changing staff accounts (admins only), each audited."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strides.accounts.models import Role, Supervision, User
from strides.audit.services import audit_record
from strides.clients.models import Episode


def _require_admin(actor: User | None) -> None:
    if actor is not None and actor.role != Role.ADMIN:
        raise Http404("No such page.")


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password: bool = True,
) -> User:
    """Create a staff account. `actor` is None only for the command-line first admin."""
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("That username is taken."))
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=False,
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        actor_label=actor.username if actor else "cli",
        action="user.create",
        obj=user,
        detail={"username": username, "role": role},
    )
    return user


def _open_episodes(user: User) -> int:
    return Episode.objects.filter(therapist=user, end__isnull=True).count()


def _check_account_change(*, actor: User, user: User, role: str, is_active: bool) -> None:
    """The guards on a change of role or active state, checked with the admins' rows
    locked so two admins changing each other at once cannot both succeed."""
    if user.pk == actor.pk and (role != user.role or not is_active):
        raise ValidationError(
            _("You cannot change your own role or deactivate yourself; ask another admin.")
        )
    admins = set(
        User.objects.select_for_update()
        .filter(role=Role.ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    leaves_admins = user.pk in admins and (role != Role.ADMIN or not is_active)
    if leaves_admins and not admins - {user.pk}:
        raise ValidationError(_("The clinic needs at least one active admin."))
    if actor.pk not in admins:
        # The actor was loaded before another admin changed them.
        raise Http404("No such page.")
    if (role != Role.THERAPIST or not is_active) and (count := _open_episodes(user)):
        raise ValidationError(
            ngettext(
                "%(name)s still treats %(count)s open episode; transfer it to another "
                "therapist first.",
                "%(name)s still treats %(count)s open episodes; transfer them to another "
                "therapist first.",
                count,
            )
            % {"name": user.display(), "count": count}
        )


def _set_supervisees(*, actor: User, user: User, chosen: list[User]) -> None:
    """Change whom `user` supervises: each pair that starts or ends is audited with both
    accounts' ids."""
    current = {person.pk: person for person in user.supervisees.all()}
    wanted = {person.pk: person for person in chosen}
    for pk in sorted(wanted.keys() - current.keys()):
        Supervision.objects.create(supervisor=user, supervisee=wanted[pk])
        audit_record(
            actor=actor,
            action="supervision.start",
            obj=wanted[pk],
            detail={"supervisor": user.pk, "supervisee": pk},
        )
    for pk in sorted(current.keys() - wanted.keys()):
        Supervision.objects.filter(supervisor=user, supervisee_id=pk).delete()
        audit_record(
            actor=actor,
            action="supervision.end",
            obj=current[pk],
            detail={"supervisor": user.pk, "supervisee": pk},
        )


@transaction.atomic
def user_update(
    *, actor: User, user: User, role: str, is_active: bool, supervisees: Iterable[User]
) -> User:
    """Change a staff member's role, active state and supervisees.

    Refused: an admin changing their own role or deactivating themselves (that would get
    around break-glass or lock the clinic out), a change that leaves no active admin, and
    taking a therapist with open episodes off the therapist role or deactivating them
    before those episodes are transferred (`episode_transfer`).
    """
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    chosen = list(supervisees)
    if chosen and role != Role.SUPERVISOR:
        raise ValidationError(_("Only a supervisor can have supervisees."))
    if any(person.role != Role.THERAPIST for person in chosen):
        raise ValidationError(_("A supervisor supervises therapists."))
    _check_account_change(actor=actor, user=user, role=role, is_active=is_active)
    user.role = role
    user.is_active = is_active
    user.save(update_fields=["role", "is_active"])
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        detail={"role": role, "is_active": is_active},
    )
    _set_supervisees(actor=actor, user=user, chosen=chosen)
    return user
