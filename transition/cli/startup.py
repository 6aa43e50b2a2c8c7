"""The console script's start-up, with the cyclic garbage collector held off.

Most of a command's time goes on importing its libraries (typer, SQLModel,
WeasyPrint): hundreds of thousands of objects that live as long as the
process, which the collector would scan again and again for nothing, about a
tenth of a database command's run. So the console script starts with
collection off, and `settle()` turns it back on as a command begins its work,
freezing what start-up built so that later collections skip it. Long work
(rendering thousands of pages, importing thousands of rows) runs after
`settle()` and collects as usual; a command that never settles is a short one.
"""

from __future__ import annotations

# Only built-in modules until main() runs: until then an interrupt would be
# Python's KeyboardInterrupt with a traceback, so the window is kept to the
# few milliseconds of importing this module (`signal` itself imports enum).
import _signal as signal
import gc
import os
import sys

_starting = False

#: Collect the young generation every 50,000 net allocations rather than
#: every 700: page layout allocates millions of short-lived objects, and the
#: default spent a tenth of a render collecting. Memory stays bounded.
WORK_THRESHOLDS = (50_000, 20, 20)


def main() -> None:
    """The `transition` console script. Ctrl-C or SIGTERM at any moment, even
    while it is still loading, ends it quietly with 130 (or 143)."""
    global _starting
    _starting = True
    gc.disable()
    global _MAIN
    _MAIN = os.getpid()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        from transition.cli.app import main as run

        run()
    except KeyboardInterrupt:
        _exit_quietly(130)
    except Terminated:
        _exit_quietly(143)
    except Exception as error:
        # An interrupt inside a class being made while a library loads comes
        # wrapped ("RuntimeError: Error calling __set_name__"): still Ctrl-C.
        cause = _interruption(error)
        if cause is None:
            raise
        _exit_quietly(143 if isinstance(cause, Terminated) else 130)
    finally:
        # The command has done its work (or none of it) and said so: a signal
        # that comes now, as the process ends, must not change its exit status.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _interruption(error: BaseException) -> BaseException | None:
    """The KeyboardInterrupt or Terminated behind `error`, if one is."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt | Terminated):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class Terminated(BaseException):
    """SIGTERM: stop as Ctrl-C stops, undoing the transaction under way."""


def _terminated(number: int, frame: object) -> None:
    if os.getpid() != _MAIN:  # a forked child that has not set its own yet
        os._exit(128 + number)
    raise Terminated()


_MAIN = 0


def is_console_script() -> bool:
    """This process runs the `transition` console script (not a test running
    the command line in its own process, nor a forked print worker)."""
    return os.getpid() == _MAIN


def _exit_quietly(status: int) -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    sys.exit(status)


def settle() -> None:
    """The command has loaded its libraries: collect garbage from here on."""
    global _starting
    if _starting:
        _starting = False
        gc.freeze()
        gc.set_threshold(*WORK_THRESHOLDS)
        gc.enable()
