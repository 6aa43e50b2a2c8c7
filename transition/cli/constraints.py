"""Options that go together or exclude each other, declared beside a command
and checked by Click as it parses, before the command runs.

    @app.command(cls=checked(one_of("year", "next_", "by_election"),
                             needs("by_election", "opens", "voting_day")))

Click has no such declarations of its own (cloup adds them, but to its own
command classes, not to the Click that Typer carries inside it), so this
module gives Typer's command the few a command line needs. A rule names
parameters by their Python names; what it says, in its error and in the
command's help, uses the flags and metavars the user types. An option counts
as given when it came from the command line (or its environment variable),
whatever its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperOption

from transition.errors import UsageError


@dataclass(frozen=True)
class Rule:
    """One constraint on which of a command's parameters are given."""

    names: tuple[str, ...]
    #: The rule holds only when this parameter is given (or, with a leading
    #: "!", is not).
    when: str | None = None

    def applies(self, given: set[str]) -> bool:
        if self.when is None:
            return True
        if self.when.startswith("!"):
            return self.when[1:] not in given
        return self.when in given

    def broken(self, given: set[str], say: Words) -> str | None:
        """What is wrong with what was given, or None."""
        raise NotImplementedError

    def describe(self, say: Words) -> str:
        """The rule as the command's help states it."""
        raise NotImplementedError

    def _scoped(self, text: str, say: Words) -> str:
        if self.when is None or self.when.startswith("!"):
            return text
        return f"with {say.flag(self.when)}, {text}"


class Words:
    """How a command's parameters are spelt to its user."""

    def __init__(self, command: TyperCommand) -> None:
        self.params = {
            param.name: param
            for param in command.params
            if param.name and isinstance(param, TyperArgument | TyperOption)
        }

    def param(self, name: str) -> TyperArgument | TyperOption:
        try:
            return self.params[name]
        except KeyError:
            raise LookupError(f"a rule names {name!r}, which is no parameter") from None

    def check(self, rules: Sequence[Rule]) -> None:
        """Every name the rules use is one of the command's parameters."""
        for rule in rules:
            for name in (*rule.names, *([rule.when.lstrip("!")] if rule.when else [])):
                self.param(name)

    def flag(self, name: str) -> str:
        """`--voting-day`, or an argument's metavar (`MEMBER`)."""
        param = self.param(name)
        if isinstance(param, TyperArgument):  # its metavar, as the usage line shows it
            return (param.metavar or param.name or "").strip("[]").removesuffix("...").upper()
        long = [opt for opt in param.opts if opt.startswith("--")]
        return (long or param.opts)[0]

    def usage(self, name: str) -> str:
        """`--date YYYY-MM-DD`: the flag with what it takes."""
        param = self.param(name)
        if isinstance(param, TyperOption) and not param.is_flag and param.metavar:
            return f"{self.flag(name)} {param.metavar}"
        return self.flag(name)

    def either(self, names: Sequence[str], usage: bool = True) -> str:
        spelt = [self.usage(name) if usage else self.flag(name) for name in names]
        return _listed(spelt, "or")

    def all_of(self, names: Sequence[str]) -> str:
        return _listed([self.flag(name) for name in names], "and")


def _listed(words: Sequence[str], last: str) -> str:
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


class OneOf(Rule):
    """Exactly one of them."""

    def broken(self, given: set[str], say: Words) -> str | None:
        chosen = [name for name in self.names if name in given]
        if len(chosen) == 1:
            return None
        several = ", not both" if len(self.names) == 2 else ", not several"
        return self._scoped(self._give(say) + (several if chosen else ""), say)

    def describe(self, say: Words) -> str:
        return self._scoped(self._give(say), say) + "."

    def _give(self, say: Words) -> str:
        lead = "give either" if len(self.names) == 2 else "give one of"
        return f"{lead} {say.either(self.names)}"


class AtMostOne(Rule):
    """One of them, or none."""

    def broken(self, given: set[str], say: Words) -> str | None:
        if sum(name in given for name in self.names) <= 1:
            return None
        return self.describe(say)[:-1]

    def describe(self, say: Words) -> str:
        names = say.either(self.names, usage=False)
        said = f"give {names}, not both" if len(self.names) == 2 else f"give one of {names} at most"
        return self._scoped(said, say) + "."


@dataclass(frozen=True)
class AnyOf(Rule):
    """At least one of them (what a command that changes things needs)."""

    purpose: str = ""

    def broken(self, given: set[str], say: Words) -> str | None:
        if any(name in given for name in self.names):
            return None
        return self._scoped(f"give {say.either(self.names, usage=False)}{self.purpose}", say)

    def describe(self, say: Words) -> str:
        names = say.either(self.names, usage=False)
        return self._scoped(f"give one or more of {names}{self.purpose}", say) + "."


@dataclass(frozen=True)
class Needs(Rule):
    """The first, given, needs all the others."""

    why: str = ""

    def broken(self, given: set[str], say: Words) -> str | None:
        anchor, *wanted = self.names
        missing = [name for name in wanted if name not in given]
        if anchor not in given or not missing:
            return None
        wanted_here = say.all_of(missing)
        why = f": {self.why}" if self.why else ""
        return self._scoped(f"{say.flag(anchor)} needs {wanted_here}", say) + why

    def describe(self, say: Words) -> str:
        anchor, *wanted = self.names
        return self._scoped(f"{say.flag(anchor)} needs {say.all_of(wanted)}", say) + "."


class OnlyWith(Rule):
    """The others go with the first, and mean nothing without it."""

    def broken(self, given: set[str], say: Words) -> str | None:
        anchor, *others = self.names
        if anchor in given or not any(name in given for name in others):
            return None
        return self.describe(say)[:-1]

    def describe(self, say: Words) -> str:
        anchor, *others = self.names
        verb = "goes" if len(others) == 1 else "go"
        return self._scoped(f"{say.all_of(others)} {verb} with {say.flag(anchor)}", say) + "."


class Excludes(Rule):
    """The first, given, takes none of the others."""

    def broken(self, given: set[str], say: Words) -> str | None:
        anchor, *others = self.names
        clash = [name for name in others if name in given]
        if anchor not in given or not clash:
            return None
        return self._scoped(f"{say.flag(anchor)} takes no {say.either(clash, usage=False)}", say)

    def describe(self, say: Words) -> str:
        anchor, *others = self.names
        refused = say.either(others, usage=False)
        return self._scoped(f"{say.flag(anchor)} takes no {refused}", say) + "."


def one_of(*names: str, when: str | None = None) -> Rule:
    return OneOf(names, when)


def at_most_one(*names: str) -> Rule:
    return AtMostOne(names)


def any_of(*names: str, when: str | None = None, purpose: str = "") -> Rule:
    return AnyOf(names, when, purpose)


def needs(anchor: str, *names: str, when: str | None = None, why: str = "") -> Rule:
    return Needs((anchor, *names), when, why)


def only_with(anchor: str, *names: str) -> Rule:
    return OnlyWith((anchor, *names))


def excludes(anchor: str, *names: str, when: str | None = None) -> Rule:
    return Excludes((anchor, *names), when)


class CheckedCommand(TyperCommand):
    """A Typer command whose rules Click checks after parsing and shows in help."""

    rules: ClassVar[tuple[Rule, ...]] = ()

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        rest: list[str] = super().parse_args(ctx, args)
        if not ctx.resilient_parsing:  # shell completion parses half a line
            say = Words(self)
            say.check(self.rules)
            given = {name for name in say.params if _given(ctx, name)}
            for rule in self.rules:
                if rule.applies(given) and (problem := rule.broken(given, say)):
                    raise UsageError(f"{problem} (see '{ctx.command_path} --help')")
        return rest

    def format_epilog(self, ctx: typer.Context, formatter: Any) -> None:
        say = Words(self)
        say.check(self.rules)
        with formatter.section("Options that go together"):
            for rule in self.rules:
                formatter.write_text(_capitalised(rule.describe(say)))
        super().format_epilog(ctx, formatter)


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the user gave it: Click knows where each value came from."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name != "DEFAULT"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def checked(*rules: Rule) -> type[CheckedCommand]:
    """A command class holding these rules (what `@app.command(cls=...)` takes)."""
    return type("CheckedCommand", (CheckedCommand,), {"rules": rules})
