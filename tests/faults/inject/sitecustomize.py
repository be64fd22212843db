"""Loaded by a `sretui` subprocess when tests/faults puts this folder on PYTHONPATH: makes
`os.write` to a file under SRETUI_FAULT_UNDER fail with SRETUI_FAULT_ERRNO (e.g. ENOSPC), the
way a full disk does. Used where no real small disk can be mounted, and always as a variant."""

from __future__ import annotations

import errno
import os

_under = os.environ.get("SRETUI_FAULT_UNDER")
_errno = getattr(errno, os.environ.get("SRETUI_FAULT_ERRNO", ""), None)

if _under and _errno:
    _real_write = os.write
    _root = os.path.realpath(_under) + os.sep

    def _faulty_write(fd, data, /):  # type: ignore[no-untyped-def]
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if target.startswith(_root):
            raise OSError(_errno, os.strerror(_errno))
        return _real_write(fd, data)

    os.write = _faulty_write
