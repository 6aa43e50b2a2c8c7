"""The one error type meant for a person at the keyboard.

Everything in `transition` that refuses input raises `TransitionError` (or a
subclass) with a message written for the user: what was wrong and what to do.
The command line catches it in exactly one place and prints that message as a
single line, so a mistake never ends in a traceback.
"""


class TransitionError(Exception):
    """A problem the user can fix; `exit_code` follows the CLI's contract."""

    exit_code = 1


class UsageError(TransitionError):
    """The command line itself is malformed (exit status 2, like click's)."""

    exit_code = 2
