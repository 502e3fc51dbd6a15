"""One exception hierarchy. Messages are concrete and carry no personal values."""


class AlumniGraphError(Exception):
    """Base of every error this project raises on purpose.

    ``status`` is the HTTP status the web layer answers with; ``errors`` is a
    list of structured problems (dicts) when there is more than one.
    """

    status = 500

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class ConfigError(AlumniGraphError):
    """The environment or a command line option is invalid."""

    status = 500


class StoreUnavailable(AlumniGraphError):
    """The configured store cannot be reached (Neo4j down, data dir unreadable)."""

    status = 503


class SchemaError(AlumniGraphError):
    """A label, type or property is not in the schema, or constraints are missing."""

    status = 500


class NotFound(AlumniGraphError):
    """A named entity (query, person, employer...) does not exist."""

    status = 404


class NotShown(AlumniGraphError):
    """The record exists but this role may not see it (no display consent)."""

    status = 403


class ParameterError(AlumniGraphError):
    """A query or request parameter is invalid; ``errors`` names each parameter."""

    status = 400


class ValidationError(AlumniGraphError):
    """Input rows are invalid; ``errors`` lists file, row, column, value, message."""

    status = 400


class BackupError(AlumniGraphError):
    """A backup archive cannot be written or restored (damaged, newer format,
    non-empty target); the message says why in one line."""

    status = 400


class ExportError(AlumniGraphError):
    """A value cannot be written for ``neo4j-admin database import`` (the
    message names the property, never the value)."""


class ExportFilesError(AlumniGraphError):
    """``alumni-graph export`` cannot write its files (e.g. a non-empty folder)."""

    status = 400
