from django.conf import settings
from django.db import models

from strides.crypto import decrypt_text


class Note(models.Model):
    """The session note of one appointment.

    The text is stored only encrypted with the application's key ring (`strides.crypto`,
    keys outside the database). `version` counts saves: an editor saves against the
    version they opened, and a save against an older version is refused (optimistic
    locking). Each replaced text is kept as a `NoteRevision`.
    """

    appointment = models.OneToOneField(
        "clients.Appointment", on_delete=models.PROTECT, related_name="note"
    )
    body_encrypted = models.TextField()
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Note on appointment {self.appointment_id}, version {self.version}"

    @property
    def body(self) -> str:
        return decrypt_text(self.body_encrypted)


class NoteRevision(models.Model):
    """A note's text as it was before a save replaced it, so nothing written is lost."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    body_encrypted = models.TextField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["note", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["note", "version"], name="notes_revision_once")
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id}, version {self.version}"

    @property
    def body(self) -> str:
        return decrypt_text(self.body_encrypted)
