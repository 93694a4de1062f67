"""Errors koppel reports to people: one clear message, no traceback.

Every error names what is wrong and where; the CLI prints ``str(error)`` on
stderr and exits non-zero, the API turns it into a problem+json response.
"""


class KoppelError(Exception):
    """Base class of every error koppel reports to its users."""

    exit_code = 1


class ConfigError(KoppelError):
    """A setting (store URI, credentials, weights file) is unusable."""

    exit_code = 2


class StoreUnavailable(KoppelError):
    """The store cannot be reached or opened right now."""

    exit_code = 3


class StoreLocked(StoreUnavailable):
    """Another process owns the embedded store."""


class DiskFull(KoppelError):
    """The disk holding the store has no room left; the write was not kept."""

    exit_code = 8


class StoreDamaged(KoppelError):
    """The embedded store's database file is damaged (emptied, overwritten, or changed since koppel closed it)."""

    exit_code = 7


class ValidationError(KoppelError):
    """A facts file, parameter or record does not match the schema."""

    exit_code = 4


class QueryError(KoppelError):
    """The store refused a query: bad Cypher, unknown name, wrong parameter."""

    exit_code = 5


class ReadOnlyViolation(QueryError):
    """A query tried to write, or to reach files, the network or the system, on a read-only path."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was cancelled."""


class NotFound(KoppelError):
    """A country, node, query or source that does not exist."""

    exit_code = 6
