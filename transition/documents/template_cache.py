"""Compiled templates, kept on disk between runs.

Jinja2 compiles each template to Python the first time a process renders it:
about 45 ms for a checklist (its base, macros and timeline), as long as
reading the whole council for its combined PDF, and most of rendering one
member's HTML. Jinja2's bytecode cache keeps the compiled code in the user's
cache folder (beside the holidays, see `transition.store.holiday_cache`),
checked against each template's source and Jinja2's and Python's versions,
so that a changed template is compiled afresh. The cache only saves time:
when it cannot be read or written, templates are compiled as before and
nothing is reported.
"""

from __future__ import annotations

from contextlib import suppress

from jinja2.bccache import Bucket, FileSystemBytecodeCache

from transition.store.holiday_cache import cache_path


class _Kept(FileSystemBytecodeCache):
    """Jinja2's cache of compiled templates in a folder, where a damaged or
    unreadable file is a template to compile and an unwritable folder a
    template compiled again next time."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: marshal and pickle say so variously
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> FileSystemBytecodeCache:
    """The cache, in the `templates` folder of the user's cache folder."""
    folder = cache_path().parent / "templates"
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return _Kept(str(folder))
