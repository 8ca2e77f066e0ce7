"""The web app (``storytrace serve``) and the shareable HTML report (``storytrace report``)."""

from storytrace.web.app import create_app

__all__ = ["create_app"]
