"""Run the README's "Use it for your practice" sequence as written, line by line.

Used by tests/operations/test_practice_sequence.py (with the test run's own venv, empty
SQLite) and by `.ci/run` (a fresh clone where the sequence's first line makes the venv with
`pip install .`, then again on PostgreSQL):

    python -m tests.operations.practice --workdir CLONE --install [--database-url URL]

Only what a test cannot do literally is changed: data goes to a fresh folder
(`XDG_DATA_HOME`, the documented default's parent), the database is the one given (or the
default SQLite), the password prompt is answered on stdin, and `serve` binds a free port
on 127.0.0.1 and is stopped once its login page answers. A line of another kind fails the
run, so the README cannot drift from what is tested.
"""

import argparse
import os
import shlex
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.operations.commands import (
    PROJECT_ROOT,
    clean_env,
    free_port,
    strides,
    usual_umask,
    wait_for_answer,
)

README = PROJECT_ROOT / "README.md"
HEADING = "## Use it for your practice"
ADMIN_PASSWORD = "practice-smoke-passphrase"


class SequenceFailed(RuntimeError):
    """A line of the sequence failed; the message holds the line and its output."""


def practice_sequence(readme: Path = README) -> list[str]:
    """The lines of the first ```sh block after the heading, as written."""
    text = readme.read_text()
    after = text[text.index(HEADING) :]
    block = after[after.index("```sh\n") + len("```sh\n") :]
    return [line for line in block[: block.index("```")].splitlines() if line.strip()]


@dataclass
class PracticeRun:
    workdir: Path
    install: bool
    database_url: str | None
    data_home: Path
    env: dict[str, str] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)

    def run(self, lines: list[str]) -> None:
        for line in lines:
            words = shlex.split(line, comments=True)
            if words[:1] == ["export"]:
                self.export(words[1])
            elif words[:3] == ["python3.13", "-m", "venv"]:
                self.make_venv(line)
            elif words[:1] == [".venv/bin/strides"]:
                self.strides(words[1:], line)
            else:
                raise SequenceFailed(f"the smoke test does not know this README line: {line}")
            self.done.append(line)

    def export(self, assignment: str) -> None:
        name, value = assignment.split("=", 1)
        if name == "STRIDES_DATABASE_URL":
            if self.database_url is None:
                return  # "or keep SQLite": the default database in the var folder
            value = self.database_url
        self.env[name] = value

    def make_venv(self, line: str) -> None:
        if not self.install:
            if not (self.workdir / ".venv" / "bin" / "strides").exists():
                raise SequenceFailed(f"{self.workdir}/.venv has no strides; run with install")
            return
        result = subprocess.run(
            ["bash", "-c", line],
            cwd=self.workdir,
            env=clean_env({}),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.expect_success(line, result)

    def strides(self, args: list[str], line: str) -> None:
        env = self.env | {"XDG_DATA_HOME": str(self.data_home)}
        program = self.workdir / ".venv" / "bin" / "strides"
        if args[:1] == ["serve"]:
            self.serve(args, env, program)
            return
        stdin = f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n" if args[:1] == ["createadmin"] else ""
        result = strides(*args, env=env, cwd=self.workdir, stdin=stdin, program=program)
        self.expect_success(line, result)

    def serve(self, args: list[str], env: dict[str, str], program: Path) -> None:
        port = free_port()
        args = [f"127.0.0.1:{port}" if arg.endswith(":8000") else arg for arg in args]
        host = env.get("STRIDES_ALLOWED_HOSTS", "127.0.0.1").split(",")[0]
        with tempfile.TemporaryFile("w+") as output:
            server = subprocess.Popen(
                [str(program), *args],
                env=clean_env(env),
                cwd=self.workdir,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=usual_umask,
            )
            try:
                status, location = wait_for_answer(
                    port, "/accounts/login/", headers={"Host": host}, timeout=90
                )
            except OSError:
                output.seek(0)
                raise SequenceFailed(f"serve did not answer:\n{output.read()}") from None
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
        if env.get("STRIDES_HTTPS") == "1":
            expected = (301, f"https://{host}/accounts/login/")
        else:
            expected = (200, "")
        if (status, location) != expected:
            raise SequenceFailed(f"serve answered {status} {location}, expected {expected}")

    @staticmethod
    def expect_success(line: str, result: subprocess.CompletedProcess[str]) -> None:
        if result.returncode != 0:
            raise SequenceFailed(
                f"{line}\nexited {result.returncode}\n{result.stdout}\n{result.stderr}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="a clone of Strides")
    parser.add_argument("--install", action="store_true", help="run the venv line too")
    parser.add_argument("--database-url", help="instead of the default SQLite")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_home:
        run = PracticeRun(
            workdir=options.workdir.resolve(),
            install=options.install,
            database_url=options.database_url,
            data_home=Path(data_home),
        )
        run.run(practice_sequence(run.workdir / "README.md"))
    database = options.database_url or "SQLite"
    print(f"README practice sequence ran on {database}: {len(run.done)} lines.")


if __name__ == "__main__":
    main()
