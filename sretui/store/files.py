"""JSON documents and JSONL logs under the data dir: atomic, locked, permission-aware.

See docs/store.md for the guarantees and how each is kept.
"""

import errno
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, NamedTuple

from sretui.store.errors import DocumentError, DocumentNotFound, StoreError
from sretui.store.locks import document_lock

Document = dict[str, Any]

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
SHARED_FILE_MODE = 0o660
SHARED_FOLDER_MODE = 0o770

# `.<document name>.<pid>.<random hex>.tmp`, the tail after `.<document name>.`.
_TEMP_TAIL = re.compile(r"(\d+)\.[0-9a-f]+\.tmp")


class LogRead(NamedTuple):
    """What `Store.read_log` found: the good records, and one problem per bad line."""

    records: list[Document]
    problems: list[DocumentError]


class Listing(NamedTuple):
    """What `Store.scan` found in a folder: the names `list` gives, and the paths of entries
    with the suffix that are not regular files (never opened, so never followed)."""

    names: list[str]
    irregular: list[Path]


class Modes(NamedTuple):
    """Permission bits for what the store creates, chosen from the data dir's own mode."""

    file: int
    folder: int

    @property
    def shared(self) -> bool:
        return bool(self.folder & stat.S_IRWXG)


def modes_for_root(root_mode: int) -> Modes:
    """Private (0600/0700) unless the data dir is group-writable: then 0660/0770 for the team,
    keeping setgid on folders when the data dir has it (so files inherit the team's group)."""
    if root_mode & stat.S_IWGRP:
        return Modes(SHARED_FILE_MODE, SHARED_FOLDER_MODE | (root_mode & stat.S_ISGID))
    return Modes(PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE)


class Store:
    """The program's state under one data dir: JSON documents and append-only JSONL logs.

    Names are relative paths with `/` separators, e.g. `incidents/INC-0001.json`.
    """

    def __init__(self, root: Path, *, lock_timeout: float = 10.0) -> None:
        """Open (and if missing, create with mode 0700) the data dir `root`."""
        self.root = Path(root).absolute()
        self.lock_timeout = lock_timeout
        try:
            if not self.root.exists():
                self.root.parent.mkdir(parents=True, exist_ok=True)
                with suppress(FileExistsError):
                    os.mkdir(self.root, PRIVATE_FOLDER_MODE)
                    os.chmod(self.root, PRIVATE_FOLDER_MODE)
            root_stat = os.stat(self.root)
        except OSError as error:
            raise StoreError(
                f"{self.root}: cannot create the data dir: {error.strerror}"
            ) from error
        if not stat.S_ISDIR(root_stat.st_mode):
            raise StoreError(f"{self.root}: the data dir is not a folder")
        self.modes = modes_for_root(root_stat.st_mode)

    @property
    def shared(self) -> bool:
        """True when the data dir is a group folder and files are created 0660."""
        return self.modes.shared

    # -- names ---------------------------------------------------------------------------------

    def path(self, name: str) -> Path:
        """The file of a document or log. Raises ValueError for a name that is absolute, empty,
        has empty, `.` or `..` parts, or a part starting with `.` (kept for temp and lock
        files)."""
        return self.root.joinpath(*_parts(name, allow_root=False))

    def exists(self, name: str) -> bool:
        """True if the document or log `name` exists."""
        return self.path(name).is_file()

    def list(self, folder: str, *, suffix: str = ".json") -> list[str]:
        """Names (sorted, relative to the data dir) of the files in `folder` ending in `suffix`.

        `""` is the data dir itself. Temp and lock files (dot-prefixed) are never listed; a
        missing folder lists as empty.
        """
        return self.scan(folder, suffix=suffix).names

    def scan(self, folder: str, *, suffix: str = ".json") -> Listing:
        """What `list` lists, and beside it the entries it leaves out because they are not
        regular files (a symlink, a folder, a fifo), for the caller to report: one scan."""
        parts = _parts(folder, allow_root=True)
        base = self.root.joinpath(*parts)
        prefix = "/".join(parts) + "/" if parts else ""
        found: list[str] = []
        irregular: list[Path] = []
        try:
            with os.scandir(base) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or not entry.name.endswith(suffix):
                        continue
                    if entry.is_file(follow_symlinks=False):  # regular files: no links
                        found.append(entry.name)
                    else:
                        irregular.append(base / entry.name)
        except (FileNotFoundError, NotADirectoryError):
            return Listing([], [])
        except OSError as error:
            raise _os_error(base, "list", error) from error
        return Listing([prefix + name for name in sorted(found)], sorted(irregular))

    # -- JSON documents ------------------------------------------------------------------------

    def read(self, name: str, *, schema_version: int) -> Document | None:
        """The document `name`, or None if there is none.

        Raises DocumentError (path and line) if the file is not a JSON object, has no valid
        `schema_version`, or has a newer one than `schema_version` (written by a newer sretui).
        An older one is returned as is: migrating it is the caller's business.
        """
        _check_schema_version(schema_version)
        return self._read_path(self.path(name), schema_version)

    def write(self, name: str, doc: Document, *, schema_version: int) -> None:
        """Replace (or create) the document `name` atomically, under its lock.

        Sets `doc["schema_version"]`. Refuses, with DocumentError, to replace an existing file
        that `read` would reject: a corrupt file is reported, never overwritten.
        """
        path = self.path(name)
        data = _encode_document(doc, schema_version)
        self._ensure_folder(path.parent)
        with self._locked(path):
            self._read_path(path, schema_version)
            self._replace(path, data)

    @contextmanager
    def update(
        self,
        name: str,
        *,
        schema_version: int,
        default: Callable[[], Document] | None = None,
    ) -> Iterator[Document]:
        """Read-modify-write the document `name` under its lock.

        Yields the parsed document (or `default()` when there is none; DocumentNotFound without
        a default) and writes it back atomically when the body ends normally. If the body
        raises, nothing is written. A corrupt file raises DocumentError and stays as it is.
        """
        path = self.path(name)
        _check_schema_version(schema_version)
        if default is None and not path.parent.is_dir():
            raise DocumentNotFound(path)
        self._ensure_folder(path.parent)
        with self._locked(path):
            doc = self._read_path(path, schema_version)
            if doc is None:
                if default is None:
                    raise DocumentNotFound(path)
                doc = default()
            yield doc
            self._replace(path, _encode_document(doc, schema_version))

    def remove(self, name: str) -> None:
        """Delete the document or log `name` under its lock; nothing happens if it is missing."""
        path = self.path(name)
        if not path.parent.is_dir():
            return
        with self._locked(path):
            try:
                os.unlink(path)
            except FileNotFoundError:
                return
            except OSError as error:
                raise _os_error(path, "remove", error) from error
            self._remove_stale_temps(path)
            _fsync_folder(path.parent)

    # -- text exports --------------------------------------------------------------------------

    def write_text(self, name: str, text: str) -> Path:
        """Replace (or create) the plain-text file `name` (an export: a postmortem, a draft)
        atomically, under its lock, with the data dir's modes (0660 in a shared group folder).
        Returns its path."""
        path = self.path(name)
        self._ensure_folder(path.parent)
        with self._locked(path):
            self._replace(path, text.encode("utf-8"))
        return path

    # -- JSONL logs ----------------------------------------------------------------------------

    def append(self, name: str, record: Document) -> None:
        """Append `record` as one JSON line to the log `name`, under its lock, and fsync.

        The whole line goes out in one `os.write`. If the log does not end with a newline (an
        append cut short by a crash), a newline goes first, so that torn fragment stays a line
        of its own and never merges with this record.
        """
        path = self.path(name)
        line = _encode_record(record)
        self._ensure_folder(path.parent)
        with self._locked(path):
            try:
                fd, created = _open_for_append(path, self.modes.file)
            except OSError as error:
                raise _os_error(path, "open", error) from error
            size = -1
            try:
                size = os.fstat(fd).st_size
                torn = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
                _write_all(fd, b"\n" + line if torn else line)
                os.fsync(fd)
            except OSError as error:
                if created:
                    # The log this append was to start: leave no empty (unreadable) log behind.
                    with suppress(OSError):
                        path.unlink()
                elif size >= 0:
                    # A disk that filled up mid-line: cut the log back so no torn line is left.
                    with suppress(OSError):
                        os.ftruncate(fd, size)
                raise _os_error(path, "append to", error) from error
            finally:
                os.close(fd)
            if created:
                _fsync_folder(path.parent)

    def read_log(self, name: str) -> LogRead:
        """All records of the log `name` (none if it is missing). A line that is not a JSON
        object, or a torn last line, is skipped and reported with its line number."""
        path = self.path(name)
        raw = _read_bytes(path)
        if raw is None:
            return LogRead([], [])
        if raw and not raw.endswith(b"\n"):
            # Perhaps an append is under way right now: look again once it is done.
            with suppress(StoreError), self._locked(path):
                raw = _read_bytes(path) or b""
        return parse_log(path, raw)

    # -- internals -----------------------------------------------------------------------------

    def _locked(self, path: Path) -> AbstractContextManager[None]:
        return document_lock(path, timeout=self.lock_timeout, file_mode=self.modes.file)

    def _read_path(self, path: Path, schema_version: int) -> Document | None:
        raw = _read_bytes(path)
        return None if raw is None else parse_document(path, raw, schema_version)

    def _ensure_folder(self, folder: Path) -> None:
        """Create the folders between the data dir and `folder`, with explicit modes."""
        current = self.root
        for part in folder.relative_to(self.root).parts:
            current = current / part
            try:
                os.mkdir(current, self.modes.folder)
            except FileExistsError:
                continue
            except OSError as error:
                raise _os_error(current, "create folder", error) from error
            os.chmod(current, self.modes.folder)  # mkdir's mode is cut by the umask
            _fsync_folder(current.parent)

    def _replace(self, path: Path, data: bytes) -> None:
        """Temp file in the same folder, write, fsync, rename over `path`, fsync the folder.
        Only called with the document's lock held."""
        self._remove_stale_temps(path)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, self.modes.file)
            try:
                os.fchmod(fd, self.modes.file)
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, path)
        except BaseException as error:
            with suppress(OSError):
                os.unlink(temp)
            if isinstance(error, OSError):
                raise _os_error(path, "write", error) from error
            raise
        _fsync_folder(path.parent)

    def _remove_stale_temps(self, path: Path) -> None:
        """Remove temp files of `path` left by writers that were killed (their pid is gone)."""
        prefix = f".{path.name}."
        try:
            with os.scandir(path.parent) as entries:
                names = [entry.name for entry in entries if entry.name.startswith(prefix)]
        except OSError:
            return  # tidying up is a courtesy, never a reason to fail a write
        for temp_name in names:
            match = _TEMP_TAIL.fullmatch(temp_name[len(prefix) :])
            if match and not _pid_alive(int(match.group(1))):
                with suppress(OSError):
                    os.unlink(path.parent / temp_name)


# -- parsing and encoding ------------------------------------------------------------------------


def parse_document(path: Path, raw: bytes, schema_version: int) -> Document:
    """Parse the bytes of a JSON document, or raise DocumentError naming `path` and a line."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM is accepted (without the utf-8-sig codec)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(path, raw.count(b"\n", 0, error.start) + 1, "not UTF-8 text") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(
            path, error.lineno, f"not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    except RecursionError:
        raise DocumentError(path, None, "not valid JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise DocumentError(
            path, _first_content_line(text), f"expected a JSON object, found {_kind(value)}"
        )
    if "schema_version" not in value:
        raise DocumentError(path, None, "no schema_version: not a document sretui wrote")
    found = value["schema_version"]
    line = _line_of(text, '"schema_version"')
    if type(found) is not int or found < 1:
        raise DocumentError(
            path, line, f"schema_version must be a positive integer, found {json.dumps(found)}"
        )
    if found > schema_version:
        raise DocumentError(
            path,
            line,
            f"written by a newer sretui (schema_version {found}; this version reads up to "
            f"{schema_version}); upgrade sretui to use this file",
        )
    return value


def parse_log(path: Path, raw: bytes) -> LogRead:
    """Split JSONL bytes into records and problems. Lines end at `\\n` only (a record may hold
    U+2028 and friends). A last line without its newline counts if it is a whole object."""
    records: list[Document] = []
    problems: list[DocumentError] = []
    pieces = raw.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    for number, piece in enumerate(pieces, start=1):
        if not piece.strip():
            continue
        is_torn_tail = number == len(pieces) and not raw.endswith(b"\n")
        try:
            value = json.loads(piece.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            if is_torn_tail:
                message = "incomplete last line (an append was cut short, e.g. by a crash); skipped"
            else:
                if isinstance(error, json.JSONDecodeError):
                    detail = error.msg
                elif isinstance(error, RecursionError):
                    detail = "nested too deeply"
                else:
                    detail = "not UTF-8"
                message = f"not a valid JSON line ({detail}); skipped"
            problems.append(DocumentError(path, number, message))
            continue
        if not isinstance(value, dict):
            problems.append(
                DocumentError(
                    path, number, f"expected a JSON object, found {_kind(value)}; skipped"
                )
            )
            continue
        records.append(value)
    return LogRead(records, problems)


def _encode_document(doc: Document, schema_version: int) -> bytes:
    if not isinstance(doc, dict):
        raise TypeError(f"a document must be a dict, not {type(doc).__name__}")
    _check_schema_version(schema_version)
    doc["schema_version"] = schema_version
    # schema_version first, so it is the first thing a person reading the file sees.
    ordered = {"schema_version": schema_version}
    ordered.update((key, value) for key, value in doc.items() if key != "schema_version")
    text = json.dumps(ordered, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def _encode_record(record: Document) -> bytes:
    if not isinstance(record, dict):
        raise TypeError(f"a log record must be a dict, not {type(record).__name__}")
    # Without indent, json.dumps escapes every control character: the line has no newline inside.
    line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    return (line + "\n").encode("utf-8")


def _check_schema_version(schema_version: int) -> None:
    if type(schema_version) is not int or schema_version < 1:
        raise ValueError(f"schema_version must be a positive int, not {schema_version!r}")


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1


def _first_content_line(text: str) -> int:
    stripped = text.lstrip()
    return text.count("\n", 0, len(text) - len(stripped)) + 1


# -- names -----------------------------------------------------------------------------------------


def _parts(name: str, *, allow_root: bool) -> list[str]:
    if not isinstance(name, str):
        raise TypeError(f"a name must be a str, not {type(name).__name__}")
    if name == "":
        if allow_root:
            return []
        raise ValueError("empty name")
    if "\0" in name:
        raise ValueError(f"{name!r}: NUL in name")
    if name.startswith("/"):
        raise ValueError(f"{name!r}: absolute paths are not allowed, names are relative")
    parts = name.split("/")
    for part in parts:
        if part == "":
            raise ValueError(f"{name!r}: empty path part")
        if part in (".", ".."):
            raise ValueError(f"{name!r}: '.' and '..' are not allowed in names")
        if part.startswith("."):
            raise ValueError(f"{name!r}: names starting with '.' are kept for temp and lock files")
    return parts


# -- file system -----------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes (None if it is missing). A symlink is refused, never followed: anyone
    who can write the data dir could otherwise point a log at any file the reader can read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DocumentError(path, None, "is a folder, not a document") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise DocumentError(
                path, None, "is a symbolic link; sretui does not follow those"
            ) from None
        raise _os_error(path, "read", error) from error
    try:
        with os.fdopen(fd, "rb") as file:
            return file.read()
    except IsADirectoryError:
        raise DocumentError(path, None, "is a folder, not a document") from None
    except OSError as error:
        raise _os_error(path, "read", error) from error


def _open_for_append(path: Path, file_mode: int) -> tuple[int, bool]:
    """Open a log for appending (read access too, to look at its last byte)."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW  # never write through a link
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, file_mode)
    except FileExistsError:
        return os.open(path, flags), False
    try:
        os.fchmod(fd, file_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd, True


def _write_all(fd: int, data: bytes) -> None:
    # One write for a regular file; the loop only matters if the kernel writes short (disk full).
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    """Make a rename or a new entry in `folder` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return True  # not a pid we could have written: leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _os_error(path: Path, action: str, error: OSError) -> StoreError:
    if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link
        return StoreError(f"{path}: cannot {action}: it is a symbolic link, never followed")
    return StoreError(f"{path}: cannot {action}: {error.strerror or error}")
