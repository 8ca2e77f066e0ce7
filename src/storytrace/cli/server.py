"""The ``serve`` command: the web app over the database, with the port checked before the server starts."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer
from rich.console import Console

from storytrace.cli.runtime import ConfigOption, DbOption, guarded, load_settings
from storytrace.errors import ConfigError
from storytrace.store import Store


@guarded
def serve(
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (localhost by default; pages are not authenticated).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(help="Server processes, each with its own caches: more serve more clients on more cores.", min=1),
    ] = 1,
) -> None:
    """Serve the web app: stories, a story's timeline, copy graph, quotes and facts, side-by-side
    comparisons, outlets, an upload form, and the JSON API (listed at /docs). A port in use is
    an error (exit 2) naming it; Ctrl-C stops the server."""
    import uvicorn

    from storytrace.web.app import SERVED_DB, create_app

    settings = load_settings(config)
    with Store(db, settings):
        pass  # fail here, clearly, rather than on the first request
    _check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    Console(stderr=True).print(f"serving at http://{shown}:{port}/ (Ctrl-C stops)", highlight=False, markup=False)
    if workers == 1:
        uvicorn.run(create_app(db, settings), host=host, port=port, log_level="warning")
        return
    # Worker processes import the app by name and build it from the environment they inherit.
    os.environ[SERVED_DB] = db
    if config is not None:
        os.environ["STORYTRACE_CONFIG"] = config
    uvicorn.run(
        "storytrace.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
        log_level="warning",
    )  # fmt: skip


def _check_port(host: str, port: int) -> None:
    """A ConfigError naming the address when the server could not listen there (in use, or not
    this machine's), instead of the server's own "[Errno 98]" after start-up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
