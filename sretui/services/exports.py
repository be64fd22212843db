"""Writing text exports (postmortems, status-update drafts, handoffs) atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def save_text(path: Path, text: str) -> Path:
    """Write `text` to `path` atomically (temp file, fsync, replace, fsync of the folder), with
    the folder created 0700 when missing and the file 0600. Returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return path
