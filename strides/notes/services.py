"""Saving session notes: encrypted, optimistically locked, every earlier text kept."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import require_write
from strides.audit.services import audit_record
from strides.clients.models import Appointment
from strides.crypto import encrypt_text
from strides.notes.models import Note, NoteRevision
from strides.text_limits import check_length

NOTE_MAX_LENGTH = 50_000


class NoteConflict(ValidationError):
    """The note was saved by someone else since the editor opened it.

    The save is refused and nothing is lost: `mine` is the text that was not saved,
    `theirs` the stored text, `version` the stored version to save against after merging.
    """

    def __init__(
        self, *, mine: str, theirs: str, version: int, saved_by: str, saved_at: datetime
    ) -> None:
        super().__init__(
            _(
                "This note was saved by %(who)s after you opened it, so your text was not "
                "saved. Both versions are shown: merge them into yours and save again."
            )
            % {"who": saved_by},
            code="conflict",
        )
        self.mine = mine
        self.theirs = theirs
        self.version = version
        self.saved_by = saved_by
        self.saved_at = saved_at


def _save_locked(*, actor: User, appointment: Appointment, text: str, base_version: int) -> Note:
    note = Note.objects.select_for_update().filter(appointment=appointment).first()
    if note is None:
        if base_version != 0:
            raise ValidationError(_("This note no longer exists."))
        note = Note.objects.create(
            appointment=appointment,
            body_encrypted=encrypt_text(text),
            version=1,
            created_by=actor,
            updated_by=actor,
        )
    else:
        stored = note.body
        if stored == text:
            # Nothing to change: also a repeated submit of a save that went through.
            return note
        if note.version != base_version:
            raise NoteConflict(
                mine=text,
                theirs=stored,
                version=note.version,
                saved_by=note.updated_by.get_username(),
                saved_at=note.updated_at,
            )
        NoteRevision.objects.create(
            note=note,
            version=note.version,
            body_encrypted=note.body_encrypted,
            saved_by_id=note.updated_by_id,
            saved_at=note.updated_at,
        )
        note.body_encrypted = encrypt_text(text)
        note.version += 1
        note.updated_by = actor
        note.save(update_fields=["body_encrypted", "version", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="note.save",
        client=appointment.episode.client,
        obj=note,
        detail={"appointment": appointment.pk, "version": note.version},
    )
    return note


def note_save(*, actor: User, appointment: Appointment, text: str, base_version: int) -> Note:
    """Save the note of `appointment` as `text`, against the version the editor opened
    (0 for a note not yet written). `NoteConflict` when the stored version moved on."""
    require_write(actor=actor, episode=appointment.episode, action="note.save")
    check_length(text, NOTE_MAX_LENGTH)
    try:
        with transaction.atomic():
            return _save_locked(
                actor=actor, appointment=appointment, text=text, base_version=base_version
            )
    except IntegrityError:
        # Two first saves of the same note at once: the other one created it, so this
        # attempt now meets that note and its version.
        with transaction.atomic():
            return _save_locked(
                actor=actor, appointment=appointment, text=text, base_version=base_version
            )
