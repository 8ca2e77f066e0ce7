"""The web app (``storytrace serve``) and the shareable HTML report (``storytrace report``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storytrace.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """``create_app``, imported on first use: the report, also in this package, needs no FastAPI."""
    if name == "create_app":
        from storytrace.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
