from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "strides.assessments"
    label = "assessments"

    def ready(self) -> None:
        from strides.assessments.checks import log_skipped_definition_files

        log_skipped_definition_files()
