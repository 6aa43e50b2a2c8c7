"""Files the tool reads from its installation and writes for the user.

Shared by every layer that touches files: the folders shipped in the wheel
(templates, migrations), and writing an output file whole or not at all.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from transition.errors import TransitionError

PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """A folder shipped in the wheel (transition/NAME) or, in a checkout, at the top."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name


def read_input(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a file the user gave, refused (one line) unless it is a
    regular file no larger than `limit`: a device such as /dev/zero or a pipe
    would be read until memory ran out."""
    import stat

    try:
        status = path.stat()
    except OSError as error:
        raise TransitionError(f"cannot read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(status.st_mode):
        raise TransitionError(f"{path} is not a regular file; give the {what} file itself")
    if status.st_size > limit:
        raise TransitionError(
            f"{path} is {status.st_size:,} bytes, more than any {what} ({limit:,} at most); "
            "check the file"
        )
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise TransitionError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > limit:
        raise TransitionError(f"{path} grew past {limit:,} bytes while being read; check it")
    return data


def save(path: Path, data: str | bytes, *, private: bool = False) -> None:
    """Write an output file atomically; a failure is one line for the user."""
    if not path.name or path.is_dir():
        raise TransitionError(f"give a file name to write, not {str(path) or 'nothing'}")
    try:
        write_atomically(path, data, private=private)
    except OSError as error:
        raise TransitionError(f"cannot write {path}: {error.strerror or error}") from None


def write_atomically(path: Path, data: str | bytes, *, private: bool = False) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename.

    A failure part-way never leaves half a file where the last good one was.
    Missing folders are created. A file that holds emails and phones (a full
    export) is `private`: its owner's alone. Any other takes the mode and
    group of the file it replaces, or the umask's, so that a team's shared
    folder stays readable by the team.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        if not private:
            _share_like(scratch, path)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def _share_like(scratch: str, path: Path) -> None:
    try:
        replaced = path.stat()
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(scratch, 0o666 & ~umask)
        return
    os.chmod(scratch, replaced.st_mode & 0o7777)
    with contextlib.suppress(OSError):  # only a member of the group may give it
        os.chown(scratch, -1, replaced.st_gid)
