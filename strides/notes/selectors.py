"""Reading session notes: the appointment's access rule, every read audited."""

from dataclasses import dataclass

from strides.accounts.models import User
from strides.accounts.permissions import Access, episode_access
from strides.clients.models import Appointment
from strides.clients.selectors import appointment_for_actor
from strides.notes.models import Note, NoteRevision


@dataclass(frozen=True)
class AppointmentNote:
    """An appointment and its note, if one was written yet."""

    appointment: Appointment
    note: Note | None

    @property
    def text(self) -> str:
        return self.note.body if self.note is not None else ""

    @property
    def version(self) -> int:
        """The version an editor saves against: 0 before the first save."""
        return self.note.version if self.note is not None else 0


def note_for_actor(
    *, actor: User, appointment_id: int, need: Access = Access.READ, action: str = "note.view"
) -> AppointmentNote:
    """The note of an appointment the actor may see (404 and a denied audit otherwise)."""
    appointment = appointment_for_actor(
        actor=actor, appointment_id=appointment_id, need=need, action=action
    )
    note = (
        Note.objects.select_related("created_by", "updated_by")
        .filter(appointment=appointment)
        .first()
    )
    return AppointmentNote(appointment=appointment, note=note)


def note_revisions(*, note: Note) -> list[NoteRevision]:
    """Earlier texts of a note, newest first; call after `note_for_actor`."""
    return list(note.revisions.select_related("saved_by").order_by("-version"))


def can_write_note(*, actor: User, appointment: Appointment) -> bool:
    return episode_access(actor, appointment.episode) == Access.WRITE
