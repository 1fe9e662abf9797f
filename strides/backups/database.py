"""Taking a consistent copy of the database and putting one into an empty database.

SQLite: the online backup API copies the live database page by page into a temporary
file while the app keeps running. PostgreSQL: `pg_dump` (custom format) runs inside a
snapshot exported by a repeatable-read transaction, which also computes the manifest, so
the dump and the manifest describe the same moment. `pg_restore` loads it.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from django.db import connection, transaction

Manifest = dict[str, dict[str, Any]]


class RestoreRefused(RuntimeError):
    """The target is not empty, or the tools to restore are missing."""


class Cursor(Protocol):
    def execute(self, sql: str, /) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int, /) -> list[Any]: ...
    @property
    def description(self) -> Any: ...


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _cell(value: object) -> object:
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_manifest(cursor: Cursor, tables: list[str]) -> Manifest:
    """Per table: the number of rows and a SHA-256 of them all, in a fixed order."""
    manifest: Manifest = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {_quote(table)} WHERE 1 = 0")  # noqa: S608  # nosec B608
        columns = len(cursor.description)
        order = ", ".join(str(n) for n in range(1, columns + 1))
        cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608  # nosec B608
        digest = hashlib.sha256()
        rows = 0
        while batch := cursor.fetchmany(500):
            for row in batch:
                line = json.dumps([_cell(v) for v in row], default=str, sort_keys=True)
                digest.update(line.encode("utf-8") + b"\n")
                rows += 1
        manifest[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return manifest


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    found = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [str(name) for (name,) in found]


def _postgres_tables(cursor: Cursor) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    )
    return [str(name) for (name,) in cursor.fetchall()]


def sqlite_file() -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def _libpq_env() -> dict[str, str]:
    """The connection settings as libpq variables, so no password is on a command line."""
    settings = connection.settings_dict
    values = {
        "PGHOST": settings.get("HOST") or "",
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": settings.get("USER") or "",
        "PGPASSWORD": settings.get("PASSWORD") or "",
        "PGDATABASE": settings["NAME"],
    }
    return os.environ | {name: value for name, value in values.items() if value}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RestoreRefused(f"`{name}` is not installed; install the PostgreSQL client tools.")
    return path


@contextmanager
def _private_temporary(suffix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="strides-backup-") as folder:
        yield Path(folder) / f"dump{suffix}"


def take_snapshot() -> tuple[bytes, Manifest]:
    """The dump of the whole database and its manifest, both of one moment."""
    if engine() == "sqlite":
        with _private_temporary(".sqlite3") as path:
            source = sqlite3.connect(sqlite_file())
            target = sqlite3.connect(path)
            try:
                source.backup(target)
                manifest = table_manifest(target.cursor(), _sqlite_tables(target))
            finally:
                target.close()
                source.close()
            return path.read_bytes(), manifest
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchall()[0]
        manifest = table_manifest(cursor, _postgres_tables(cursor))
        dumped = subprocess.run(  # noqa: S603  (fixed argv, no shell)
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--snapshot={snapshot}"],
            env=_libpq_env(),
            capture_output=True,
            check=False,
        )
    if dumped.returncode != 0:
        raise RestoreRefused(f"pg_dump failed: {dumped.stderr.decode(errors='replace').strip()}")
    return dumped.stdout, manifest


def current_manifest() -> Manifest:
    if engine() == "sqlite":
        db = sqlite3.connect(sqlite_file())
        try:
            return table_manifest(db.cursor(), _sqlite_tables(db))
        finally:
            db.close()
    with connection.cursor() as cursor:
        return table_manifest(cursor, _postgres_tables(cursor))


def _refuse_unless_empty() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise RestoreRefused(
            f"the database already has {len(tables)} table(s); restore only into an empty "
            "database (a new SQLite var folder, or a newly created PostgreSQL database)."
        )


def load_snapshot(dump: bytes, backup_engine: str) -> None:
    """Put the dump into this (empty) database."""
    if backup_engine != engine():
        raise RestoreRefused(
            f"the backup is of a {backup_engine} database, but this Strides uses {engine()}."
        )
    _refuse_unless_empty()
    connection.close()
    with _private_temporary(".dump") as path:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(dump)
        if backup_engine == "sqlite":
            source = sqlite3.connect(path)
            target = sqlite3.connect(sqlite_file())
            try:
                (check,) = source.execute("PRAGMA integrity_check").fetchone()
                if check != "ok":
                    raise RestoreRefused(
                        f"the backup's database fails its integrity check: {check}"
                    )
                source.backup(target)
            finally:
                target.close()
                source.close()
            return
        restored = subprocess.run(  # noqa: S603  (fixed argv, no shell)
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            env=_libpq_env(),
            capture_output=True,
            check=False,
        )
    if restored.returncode != 0:
        raise RestoreRefused(
            f"pg_restore failed: {restored.stderr.decode(errors='replace').strip()}"
        )
