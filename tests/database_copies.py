"""Whole copies of the test database, taken once and put back between tests that commit.

Tests that run as production does, without a wrapping test transaction (the permission matrix's
POSTs, concurrent saves, the browser journeys behind a live server), really commit. Afterwards
the database is put back whole from a copy: on PostgreSQL a database made from the test database
as a template, on SQLite (in memory) a copy through SQLite's backup API.
"""

import sqlite3

from django.db import connection, connections


class DatabaseCopy:
    """A copy of the test database as it stood when `take` was called."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._sqlite: sqlite3.Connection | None = None

    def take(self) -> "DatabaseCopy":
        """Copy the test database as it stands now (committed data only)."""
        if connection.vendor == "postgresql":
            _postgres_copy(source=_database_name(), target=self._postgres_name())
        else:
            connection.ensure_connection()
            self._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._sqlite)
        return self

    def restore(self) -> None:
        """Put the test database back as it stood when the copy was taken."""
        if connection.vendor == "postgresql":
            _postgres_copy(source=self._postgres_name(), target=_database_name())
        else:
            connection.ensure_connection()
            self._sqlite.backup(connection.connection)

    def drop(self) -> None:
        """Remove the copy."""
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self._postgres_name()}" WITH (FORCE)')
        elif self._sqlite is not None:
            self._sqlite.close()

    def _postgres_name(self) -> str:
        # Each xdist worker has a test database of its own, so each its own copies.
        return f"{_database_name()}_{self.name}"


def _database_name() -> str:
    return connection.settings_dict["NAME"]


def _postgres_copy(*, source: str, target: str) -> None:
    """Make `target` a copy of `source`; nobody may be connected to either meanwhile."""
    # Every thread's connection (the live server's, a test's second client) is closed first:
    # PostgreSQL copies a database only while nobody uses it.
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [source],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        # FILE_COPY: a checkpoint and a copy of the files, faster than logging every block.
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')
