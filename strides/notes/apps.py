from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "strides.notes"
    label = "notes"
