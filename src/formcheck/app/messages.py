"""Turning any failure into the one plain line a person sees (never a traceback)."""
from __future__ import annotations

import logging
import re

from formcheck.errors import FormcheckError

log = logging.getLogger("formcheck.app")


# A folder path inside a message (POSIX /a/b/ or Windows C:\a\b\): the server's own folders
# (temporary upload folders above all) mean nothing to the person and are not theirs to see.
_FOLDERS = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'\"()]+)+[\\/](?=[^\s\\/]*)")


def without_folders(text: str) -> str:
    """'cannot read /tmp/formcheck-app-x1/review/a.mp4: bad' -> 'cannot read a.mp4: bad'."""
    return _FOLDERS.sub("", text)


def one_line(exc: BaseException) -> str:
    if isinstance(exc, FormcheckError):
        return without_folders(str(exc).strip().splitlines()[0]) if str(exc).strip() else "something went wrong"
    log.exception("unexpected error in the app")  # the details go to the server's log only
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Something went wrong ({without_folders(first)}). Please try again, or try another video."
