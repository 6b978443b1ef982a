"""Turning any failure into the one plain line a person sees (never a traceback)."""
from __future__ import annotations

import logging

from formcheck.errors import FormcheckError

log = logging.getLogger("formcheck.app")


def one_line(exc: BaseException) -> str:
    if isinstance(exc, FormcheckError):
        return str(exc).strip().splitlines()[0] if str(exc).strip() else "something went wrong"
    log.exception("unexpected error in the app")  # the details go to the server's log only
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Something went wrong ({first}). Please try again, or try another video."
