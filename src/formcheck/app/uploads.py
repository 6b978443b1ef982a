"""Uploaded clips: which files are accepted, and a private temporary folder per browser session."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from formcheck.errors import FormcheckError

MAX_UPLOAD_MB = 500  # keep in step with server.maxUploadSize in .streamlit/config.toml
VIDEO_TYPES = ("mp4", "mov", "m4v", "webm", "avi", "mkv")
_CHUNK = 1 << 20


# File systems allow 255 bytes a name (not characters: a Japanese character is 3 bytes in UTF-8).
# Names are kept well under that, so "-checked.partial.mp4" and the like still fit after them.
MAX_NAME_BYTES = 150


def _fit_bytes(text: str, max_bytes: int) -> str:
    """The longest start of `text` whose UTF-8 form fits in max_bytes (never half a character)."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def safe_name(name: str) -> str:
    """The file's own name (letters of any script kept), with nothing that could leave the folder or
    upset a file system, at most MAX_NAME_BYTES long with its extension kept."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w. -]+", "_", base).strip(" .")
    if not base:
        return "clip.mp4"
    stem, suffix = (base.rsplit(".", 1)[0], "." + base.rsplit(".", 1)[1]) if "." in base else (base, "")
    suffix = _fit_bytes(suffix, 16)
    return (_fit_bytes(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).strip(" .") or "clip") + suffix


def check_upload(name: str, size_bytes: int, max_mb: int = MAX_UPLOAD_MB) -> None:
    """Raise FormcheckError (one plain line) for a file the app will not take."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in VIDEO_TYPES:
        kinds = ", ".join(VIDEO_TYPES)
        raise FormcheckError(f"{Path(name).name} is not a video file this app can read (use one of: {kinds})")
    if size_bytes == 0:
        raise FormcheckError(f"{Path(name).name} is empty (0 bytes)")
    if size_bytes > max_mb * 1024 * 1024:
        raise FormcheckError(f"{Path(name).name} is {size_bytes / 1024 / 1024:.0f} MB; the limit is {max_mb} MB - "
                             "trim the video to just the exercise")


class Workdir:
    """A temporary folder for one browser session; removed by `cleanup()` or when garbage-collected."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="formcheck-app-")
        self.path = Path(self._tmp.name)

    def fresh(self, name: str) -> Path:
        """An empty sub-folder for one review; the previous review's files are deleted first."""
        sub = self.path / name
        shutil.rmtree(sub, ignore_errors=True)
        sub.mkdir(parents=True)
        return sub

    def cleanup(self) -> None:
        self._tmp.cleanup()


def save_upload(stream: BinaryIO, name: str, size_bytes: int, folder: Path,
                max_mb: int = MAX_UPLOAD_MB) -> Path:
    """Copy an uploaded file into `folder` under its own (sanitised) name, after checking it."""
    check_upload(name, size_bytes, max_mb)
    dest = folder / safe_name(name)
    stream.seek(0)
    with open(dest, "wb") as out:
        shutil.copyfileobj(stream, out, _CHUNK)
    return dest
