"""The ``storytrace`` command: a thin Typer + Rich layer over the Python API, one module per group of commands."""

from __future__ import annotations

import os
import signal
import sys

# Ctrl-C while the libraries below are imported (about a second) ends the command quietly; each
# command then installs the handler that turns Ctrl-C into the "interrupted" message. Under
# ``python -m storytrace.cli`` this package is imported while sys.argv[0] is still "-m".
if sys.argv[0] == "-m" or os.path.basename(sys.argv[0]) == "storytrace":

    def _interrupted_while_starting(_signal: int, _frame: object) -> None:
        sys.stderr.write("error: interrupted\n")
        os._exit(130)

    signal.signal(signal.SIGINT, _interrupted_while_starting)

from typing import Annotated

import typer

from storytrace.cli import browse, ingest, server
from storytrace.cli.runtime import EXIT_INTERRUPTED, Options, error_line, paragraphs, print_version

app = typer.Typer(
    name="storytrace",
    help="Trace one news story across many outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _commands(
    debug: Annotated[
        bool, typer.Option("--debug", help="On an internal error, print its traceback (also STORYTRACE_DEBUG=1).")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Trace one news story across many outlets."""
    Options.debug = Options.debug or debug


# In the order of the help's command list; each docstring's paragraphs become one line of help each.
for _name, _command in (
    ("analyze", ingest.analyze),
    ("copies", browse.copies),
    ("compare", browse.compare),
    ("add", ingest.add),
    ("stories", browse.stories),
    ("export", browse.export),
    ("show", browse.show),
    ("serve", server.serve),
    ("report", browse.report),
    ("settings", browse.show_settings),
):
    app.command(_name, help=paragraphs(_command.__doc__) if _command.__doc__ else None)(_command)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # outside any command (while starting or parsing options)
        error_line("interrupted")
        sys.exit(EXIT_INTERRUPTED)
