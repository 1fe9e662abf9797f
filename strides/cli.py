"""The `strides` console command: Django's management commands plus Strides' own."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strides.settings")
    execute_from_command_line(["strides", *sys.argv[1:]])
