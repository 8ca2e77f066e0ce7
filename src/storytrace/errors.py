"""The exception tree. Catch :class:`StorytraceError` to catch everything storytrace raises on purpose.

StorytraceError
├── ConfigError   bad settings or arguments
├── InputError    one input (file, line, record) cannot be read; the batch goes on
├── StoreError    the database cannot be opened, is from a newer version, or a write failed
└── Interrupted   a run was stopped (Ctrl-C); what it had written is kept and said

Any other exception is a bug: the CLI reports it as an internal error with its own exit code.
"""

from __future__ import annotations


class StorytraceError(Exception):
    """Base class of every error storytrace raises on purpose."""


class ConfigError(StorytraceError, ValueError):
    """A setting or argument is invalid."""


class InputError(StorytraceError):
    """One input cannot be read; it is reported with its path and reason and skipped."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(StorytraceError):
    """The database cannot be used."""


class Interrupted(StorytraceError):
    """A run stopped by Ctrl-C; every transaction it finished is kept, and the message says what."""
