"""Uploaded clips: which files are accepted, and a private temporary folder per browser session."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..errors import FormcheckError

MAX_UPLOAD_MB = 500  # keep in step with server.maxUploadSize in .streamlit/config.toml
VIDEO_TYPES = ("mp4", "mov", "m4v", "webm", "avi", "mkv")
_CHUNK = 1 << 20


def safe_name(name: str) -> str:
    """The file's own name, with nothing that could leave the folder or upset a file system."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .")
    return base[:120] or "clip.mp4"


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
