"""The one list of encrypted columns: every clinical free text stored by Strides.

Rotation (`strides encryption rotate` and `retire`) walks exactly these columns, so a new
encrypted column is added here. Services write `encrypt_text(...)` into the column; each
model reads its text through a property that decrypts (`Note.body`,
`Alert.action_note`, ...).
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import batched

from django.apps import apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from strides.crypto import decrypt_text, encrypt_text

# (model label, field) of every encrypted value; models not installed are skipped.
ENCRYPTED_FIELDS = [
    ("notes.Note", "body_encrypted"),
    ("notes.NoteRevision", "body_encrypted"),
    ("goals.Goal", "text_encrypted"),
    ("goals.GoalStatusChange", "note_encrypted"),
    ("milestones.CelebrationMessage", "text_encrypted"),
    ("milestones.Milestone", "summary_encrypted"),
    ("alerts.Alert", "action_note_encrypted"),
    ("assessments.Assessment", "amendment_reason_encrypted"),
    ("clients.Episode", "presenting_problem_encrypted"),
    ("clients.BreakGlassGrant", "reason_encrypted"),
    ("wellbeing.Moment", "text_encrypted"),
    ("wellbeing.CheckIn", "result_encrypted"),
    ("portal.EmailDelivery", "body_encrypted"),
]
MIGRATION_BATCH = 500


@dataclass(frozen=True)
class EncryptedField:
    model: type[models.Model]
    name: str

    def rows(self) -> "models.QuerySet[models.Model]":
        """The rows holding a value, oldest first."""
        manager = self.model._default_manager
        empty = {self.name: ""}
        missing = {f"{self.name}__isnull": True}
        return manager.exclude(**empty).exclude(**missing).order_by("pk")

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"


def encrypted_fields() -> list[EncryptedField]:
    fields = []
    for label, name in ENCRYPTED_FIELDS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        fields.append(EncryptedField(model, name))
    return fields


def encrypt_existing_text(
    app_label: str, model_name: str, *, plain: str, encrypted: str
) -> migrations.RunPython:
    """A data migration step: encrypt each row's `plain` text into `encrypted`.

    Reversible: going back decrypts into `plain` again. Empty text stays empty.
    """

    def convert(apps: StateApps, source: str, target: str, change: Callable[[str], str]) -> None:
        model = apps.get_model(app_label, model_name)
        rows = model._default_manager.exclude(**{source: ""}).only("pk", source).order_by("pk")
        for batch in batched(rows.iterator(MIGRATION_BATCH), MIGRATION_BATCH, strict=False):
            for row in batch:
                setattr(row, target, change(getattr(row, source)))
            model._default_manager.bulk_update(batch, [target])

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        convert(apps, plain, encrypted, encrypt_text)

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        convert(apps, encrypted, plain, decrypt_text)

    return migrations.RunPython(forwards, backwards, elidable=False)
