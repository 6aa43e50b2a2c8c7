"""SQLAlchemy's psycopg dialect, told at sign-in what it would otherwise ask.

When SQLAlchemy first connects it asks the server four questions (its
version, the current schema, the isolation level, whether strings are
standard), inside a transaction of their own: six round trips before a
command's own first, a third of an everyday command's. The server already
said two of the answers in its greeting (psycopg keeps them in
`connection.info`), the isolation level is the one this connection's
transactions begin with (the engine set it), and the current schema is
asked outside any transaction: one round trip.

Imported only to make a PostgreSQL engine (`transition.store.backends.postgres`),
so that nothing else pays for SQLAlchemy's PostgreSQL dialect.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

#: The driver name in the URL that picks this dialect: postgresql+transition.
DRIVER = "transition"


class Dialect(PGDialect_psycopg):
    """psycopg's dialect in every other respect (its name is "postgresql")."""

    supports_statement_cache = True  # it compiles as psycopg's does

    def initialize(self, connection: Any) -> None:
        raw = connection.connection.dbapi_connection
        raw.autocommit = True  # nothing asked needs a transaction: no BEGIN, no ROLLBACK
        try:
            super().initialize(connection)  # type: ignore[no-untyped-call]
        finally:
            raw.autocommit = False

    def _get_server_version_info(self, connection: Any) -> tuple[int, ...]:
        # The greeting's server_version as a number: 150018 is 15.18, 90624 is 9.6.24.
        number: int = connection.connection.dbapi_connection.info.server_version
        if number >= 100_000:
            return (number // 10_000, number % 10_000)
        return (number // 10_000, number // 100 % 100, number % 100)

    def _set_backslash_escapes(self, connection: Any) -> None:
        info = connection.connection.dbapi_connection.info
        self._backslash_escapes = info.parameter_status("standard_conforming_strings") == "off"

    def get_default_isolation_level(self, dbapi_conn: Any) -> Any:
        level = dbapi_conn.isolation_level
        if level is None:  # the server's default: ask it
            return super().get_default_isolation_level(dbapi_conn)  # type: ignore[no-untyped-call]
        return level.name.replace("_", " ")


registry.register(f"postgresql.{DRIVER}", __name__, "Dialect")
