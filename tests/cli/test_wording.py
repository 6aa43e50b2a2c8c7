"""The store states what is wrong; only the command line names its flags and
commands (`transition.cli.wording`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import transition
from transition.cli.wording import REMEDIES, wording
from transition.errors import TransitionError
from transition.store import errors as store_errors
from transition.store.errors import Refused, Remedy, UnknownEncoding

STORE = Path(transition.__file__).parent / "store"
#: A flag (--db) or a command (`transition check`) in a message.
COMMAND_LINE_WORDS = re.compile(r"(?<![\w-])--[a-z]|`transition [a-z]")


#: Every error type the store may build.
ERRORS = {
    name
    for name, kind in vars(store_errors).items()
    if isinstance(kind, type) and issubclass(kind, TransitionError)
} | {"UsageError"}


def _messages(tree: ast.AST):
    """The text of every error the module raises or builds."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ERRORS:
            for arg in node.args:
                for part in ast.walk(arg):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        yield node.lineno, part.value


def test_no_store_message_names_a_flag_or_a_command():
    spoken = [
        f"{path.relative_to(STORE.parent)}:{line}: {text!r}"
        for path in sorted(STORE.rglob("*.py"))
        for line, text in _messages(ast.parse(path.read_text()))
        if COMMAND_LINE_WORDS.search(text)
    ]
    assert spoken == []


@pytest.mark.parametrize("remedy", list(Remedy), ids=[remedy.name for remedy in Remedy])
def test_every_remedy_the_store_names_is_said_in_the_command_lines_words(remedy):
    said = wording(Refused("the fact", remedy))
    assert said == f"the fact{REMEDIES[remedy.name]}"
    assert COMMAND_LINE_WORDS.search(said) or "--" in said


def test_an_unknown_encoding_is_named_as_the_option_that_gave_it():
    error = UnknownEncoding("klingon")
    assert str(error) == "'klingon' is not a text encoding Python knows"
    assert wording(error) == "--encoding 'klingon' is not a text encoding Python knows"
    assert error.exit_code == 2


def test_a_files_rows_keep_the_remedy_a_file_can_use_and_not_a_flags():
    from transition.store.errors import BadRows

    names = BadRows("a.csv has 1 bad row", ["line 2: no such member"], Remedy.MEMBER_NAMES)
    assert wording(names) == (
        "a.csv has 1 bad row, so nothing was imported: line 2: no such member; "
        "`transition member list` shows them"
    )
    ward = BadRows("m.csv has 1 bad row", ["line 2: a councillor needs a ward"], Remedy.WARD)
    assert wording(ward) == str(ward)  # a file has a ward column, not --ward
    many = BadRows("m.csv has 12 bad rows", [f"line {n}: bad" for n in range(12)])
    assert str(many).endswith("line 9: bad; and 2 more like them")
