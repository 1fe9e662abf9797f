"""Creating and changing staff accounts (admins only), each audited."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from strides.accounts.models import Role, User
from strides.audit.services import audit_record


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


@transaction.atomic
def user_update(
    *, actor: User, user: User, role: str, is_active: bool, supervisees: Iterable[User]
) -> User:
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s."))
    chosen = list(supervisees)
    if chosen and role != Role.SUPERVISOR:
        raise ValidationError(_("Only a supervisor can have supervisees."))
    if any(person.role != Role.THERAPIST for person in chosen):
        raise ValidationError(_("A supervisor supervises therapists."))
    user.role = role
    user.is_active = is_active
    user.save(update_fields=["role", "is_active"])
    user.supervisees.set(chosen)
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        detail={
            "role": role,
            "is_active": is_active,
            "supervisees": sorted(person.username for person in chosen),
        },
    )
    return user
