"""The project's exceptions: a user sees the sentence, never a traceback."""


class DscpError(Exception):
    """Base class: any error the workbook reports to a user in words."""


class PeriodError(DscpError, ValueError):
    """A period that does not parse or makes no sense."""


class ExtractError(DscpError):
    """An extract file that cannot be used at all (unreadable, a required column missing)."""


class DatabaseError(DscpError):
    """The DuckDB store is missing, locked or does not hold what is asked for."""


class UnknownIndicatorError(DscpError, KeyError):
    """An indicator id that is not in the registry."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ParameterError(DscpError, ValueError):
    """A pack or command parameter that is unknown or invalid."""


class ConfigError(DscpError, ValueError):
    """The RAG / benchmark / suppression configuration is invalid."""


class DisclosureError(DscpError):
    """An output that would let a reader work out a hidden small number: nothing was written."""


class SnapshotError(DscpError):
    """The store changed while a pack was being built from it: the pack would mix two loads."""


class OutputError(DscpError):
    """An output location that cannot be written (read-only, full, a file where a folder should be)."""
