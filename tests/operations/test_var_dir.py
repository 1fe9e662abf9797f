"""Data paths never depend on the working directory: one fixed, documented var folder."""

from pathlib import Path
from tempfile import TemporaryDirectory

from django.test import SimpleTestCase

from strides.env import default_var_dir
from tests.operations.commands import strides

PRINT_PATHS = (
    "from django.conf import settings; "
    "print(settings.VAR_DIR); "
    "print(settings.DATABASES['default']['NAME']); "
    "print(settings.STRIDES_ENCRYPTION_KEY_FILE)"
)


class DefaultVarDirTests(SimpleTestCase):
    def test_default_is_strides_under_xdg_data_home(self) -> None:
        environ = {"XDG_DATA_HOME": "/srv/data", "HOME": "/home/tess"}
        self.assertEqual(default_var_dir(environ), Path("/srv/data/strides"))

    def test_without_xdg_data_home_it_is_under_home_local_share(self) -> None:
        for environ in ({"HOME": "/home/tess"}, {"HOME": "/home/tess", "XDG_DATA_HOME": "rel"}):
            with self.subTest(environ=environ):
                self.assertEqual(default_var_dir(environ), Path("/home/tess/.local/share/strides"))

    def test_strides_started_from_two_folders_uses_the_same_files(self) -> None:
        root = Path(self.enterContext(TemporaryDirectory()))
        home = root / "home"
        answers = []
        for folder in ("clone", "elsewhere"):
            (root / folder).mkdir()
            result = strides(
                "shell", "-v", "0", "-c", PRINT_PATHS, env={"HOME": str(home)}, cwd=root / folder
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            answers.append(result.stdout.split())
            self.assertEqual(list((root / folder).iterdir()), [], "nothing written into cwd")
        self.assertEqual(answers[0], answers[1])
        var = home / ".local" / "share" / "strides"
        self.assertEqual(
            answers[0],
            [str(var), str(var / "strides.sqlite3"), str(var / "encryption.keys")],
        )
