"""The obligations a member must meet, read from a profile file.

Rules are data, not code: the City of Toronto's 2016 bulletin ships as
`profiles/toronto-2016.toml`, and another municipality writes its own file in
the same shape. The loader checks the whole file and reports every problem at
once, naming the step and the field, so a clerk can fix a profile in one pass.
"""

from __future__ import annotations

import stat
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from transition.core import periods as _periods
from transition.core.calendar import FIRST_REGULAR_ELECTION, TERM_YEARS, regime_for_year
from transition.core.closures import LEGISLATION_ACT, ClosureRules, parse_closures
from transition.core.periods import PERIOD_ANCHORS, PERIOD_AUDIENCES, PERIOD_ELECTIONS, Period
from transition.core.reminding import Schedule
from transition.core.terms import Option
from transition.errors import TransitionError

#: Schema 2 added the office's closure calendar ([closures]); a schema 1
#: profile is still read, with the Legislation Act's holidays as its closures.
SCHEMA_VERSION = 2
SCHEMAS = (1, 2)
DEFAULT_PROFILE = "toronto-2016.toml"

#: The profiles that ship with the tool, by the name `--profile` takes.
BUILT_IN_PROFILES = {
    "toronto": DEFAULT_PROFILE,
    "ottawa": "ottawa.toml",
    "markham": "markham.toml",
}

AppliesTo = Literal["option2-city-account", "option1-campaign-account", "member"]

#: The key dates a step can hang on. A step may also hang on a fixed month and
#: day of the election year ("08-01"), for local rules dated that way.
ANCHORS: tuple[str, ...] = ("publication-cutoff", "filing-date", "nomination-day", "voting-day")
APPLIES_TO: tuple[AppliesTo, ...] = ("option2-city-account", "option1-campaign-account", "member")

#: The option each account-level target belongs to (bulletin para 19a, 19b).
OPTION_OF_TARGET = {
    "option1-campaign-account": Option.SEPARATE,
    "option2-city-account": Option.SINGLE,
}


@dataclass(frozen=True)
class Step:
    """One dated obligation, due on its anchor date plus `offset_days`."""

    id: str
    title: str
    #: A few words for narrow places, such as the council overview's columns.
    label: str
    explanation: str
    paragraph: str
    applies_to: AppliesTo
    #: One of ANCHORS, or "MM-DD": that day of the election year.
    anchor: str
    offset_days: int
    #: For a member-wide step, the option it belongs to; None for both.
    option: Option | None
    #: Days before it is due this step is reminded, where not the profile's
    #: (`remind_days_before`; None: the `[remind]` table's `days_before`).
    remind_days_before: tuple[int, ...] | None = None

    @property
    def fixed_day(self) -> tuple[int, int] | None:
        """(month, day) for a step anchored on a fixed day of the election year."""
        return None if self.anchor in ANCHORS else _month_day(self.anchor)

    def applies_under(self, option: Option) -> bool:
        wanted = OPTION_OF_TARGET.get(self.applies_to, self.option)
        return wanted is None or wanted == option


@dataclass(frozen=True)
class Reminder:
    """A standing obligation with no date (bulletin para 15, 17, other obligations)."""

    id: str
    title: str
    explanation: str
    paragraph: str


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    municipality: str
    source: str
    #: Registration emails in these domains make an account City-connected.
    city_email_domains: tuple[str, ...]
    steps: tuple[Step, ...]
    reminders: tuple[Reminder, ...]
    #: The days the clerk's office is closed, when no papers can be filed.
    closures: ClosureRules = LEGISLATION_ACT
    #: False for a schema 1 profile, which names no closures of its own.
    closures_given: bool = True
    #: When steps are reminded by e-mail (`[remind]`; the defaults without one).
    remind: Schedule = field(default_factory=Schedule)
    #: The election-period restrictions (MEA s. 88.18): from a day, until another.
    periods: tuple[Period, ...] = ()
    #: What the municipality publishes that the profile does not hold, in its words.
    leaves_out: str | None = None

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise TransitionError(f"profile {self.id} has no step {step_id!r}")

    def is_city_email(self, email: str) -> bool:
        domain = email.rpartition("@")[2].strip().lower()
        return any(domain == d or domain.endswith("." + d) for d in self.city_email_domains)


class ProfileError(TransitionError):
    """A profile file that cannot be used, with every problem found in it."""


def load_profile(path: Path | str | None = None) -> Profile:
    """Read and validate a profile; None reads the Toronto 2016 profile."""
    return read_profile(path)[1]


def read_profile(path: Path | str | None = None) -> tuple[str, Profile]:
    """The profile's text as written, and the validated profile it describes:
    a built-in one by name ("ottawa", or its file's id), else a file."""
    built_in = built_in_file(path)
    if built_in is not None:
        source = resources.files("transition.core") / "profiles" / built_in
        label = built_in
    elif path is None:
        raise AssertionError("built_in_file names the default")
    else:
        source = Path(path)
        label = str(path)
        _check_regular(source, label)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"no profile file at {label}; check the --profile path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"cannot read profile {label}: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"profile {label} is not valid TOML: {error}") from None
    return text, parse_profile(data, label)


def built_in_file(name: Path | str | None) -> str | None:
    """The file of the built-in profile `name` names (None: the default); None
    for a path. A name is a word with no folder in it and no `.toml`."""
    if name is None:
        return DEFAULT_PROFILE
    text = str(name)
    if text in BUILT_IN_PROFILES:
        return BUILT_IN_PROFILES[text]
    by_id = {file.removesuffix(".toml"): file for file in BUILT_IN_PROFILES.values()}
    if text in by_id:
        return by_id[text]
    if (
        "/" not in text
        and "\\" not in text
        and not text.endswith(".toml")
        and not Path(text).exists()
    ):
        raise ProfileError(
            f"no built-in profile {text!r} and no file of that name; give one of "
            f"{', '.join(sorted(BUILT_IN_PROFILES))} (see `transition rules --list`) "
            "or the path of a profile TOML file"
        )
    return None


def built_in_profiles() -> list[tuple[str, Profile]]:
    """Every profile that ships with the tool, by name."""
    return [(name, load_profile(name)) for name in sorted(BUILT_IN_PROFILES)]


#: Toronto's profile is 9 KB; a profile a hundred times larger is not one.
MAX_PROFILE_BYTES = 1024 * 1024


def _check_regular(source: Path, label: str) -> None:
    """Refuse a device or pipe (read until memory ran out) and an outsize file."""
    try:
        status = source.stat()
    except FileNotFoundError:
        raise ProfileError(f"no profile file at {label}; check the --profile path") from None
    except OSError as error:
        raise ProfileError(f"cannot read profile {label}: {error.strerror or error}") from None
    if not stat.S_ISREG(status.st_mode):
        raise ProfileError(f"{label} is not a regular file; give a profile TOML file")
    if status.st_size > MAX_PROFILE_BYTES:
        raise ProfileError(
            f"{label} is {status.st_size:,} bytes, larger than any profile "
            f"({MAX_PROFILE_BYTES:,} at most); check the --profile path"
        )


def parse_profile(data: dict[str, Any], label: str = "profile") -> Profile:
    """Build a Profile from parsed TOML, or raise ProfileError listing every problem."""
    problems: list[str] = []
    schema = data.get("schema")
    if schema not in SCHEMAS:
        problems.append(f"schema: expected {SCHEMA_VERSION}, found {schema!r}")
    header = _table(data.get("profile"), "[profile]", problems)
    fields = _Fields(header, "[profile]", problems)
    domains = header.get("city_email_domains")
    if not (
        isinstance(domains, list) and domains and all(isinstance(d, str) and d for d in domains)
    ):
        problems.append(
            "[profile] city_email_domains: give a list of domains, such as ['toronto.ca']"
        )
        domains = []
    profile_fields = dict(
        id=fields.text("id"),
        name=fields.text("name"),
        municipality=fields.text("municipality"),
        source=fields.text("source"),
    )
    leaves_out = fields.optional_text("leaves_out")
    steps = tuple(
        _parse_step(raw, n, problems) for n, raw in enumerate(_entries(data, "steps", problems))
    )
    reminders = tuple(
        _parse_reminder(raw, n, problems)
        for n, raw in enumerate(_entries(data, "reminders", problems))
    )
    periods = tuple(
        _parse_period(raw, n, problems) for n, raw in enumerate(_entries(data, "periods", problems))
    )
    if not steps and not periods:
        problems.append(
            "steps: a profile needs at least one [[steps]] entry (or a [[periods]] entry)"
        )
    closures = None
    if "closures" in data:
        closures = parse_closures(data["closures"], problems)
    elif schema == SCHEMA_VERSION:
        problems.append(
            "[closures]: missing; name the days the clerk's office is closed "
            "(copy the table from toronto-2016.toml)"
        )
    remind = _parse_remind(data.get("remind", {}), problems)
    items: tuple[Step | Reminder | Period, ...] = (*steps, *reminders, *periods)
    ids = [item.id for item in items if item.id]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"step {duplicate!r} id: used more than once; ids must be unique")
    if problems:
        raise ProfileError(f"profile {label} has {_count(problems)}: " + "; ".join(problems))
    return Profile(
        **profile_fields,
        city_email_domains=tuple(d.lower().lstrip("@") for d in domains),
        steps=steps,
        reminders=reminders,
        closures=closures or LEGISLATION_ACT,
        closures_given=closures is not None,
        remind=remind,
        periods=periods,
        leaves_out=leaves_out,
    )


#: The most days before a step a reminder can come (a year).
MOST_DAYS_BEFORE = 366


def _parse_remind(raw: Any, problems: list[str]) -> Schedule:
    """`[remind]`: days_before, on_the_day, while_overdue, copy_clerk_after."""
    table = _table(raw, "[remind]", problems)
    default = Schedule()
    unknown = set(table) - {"days_before", "on_the_day", "while_overdue", "copy_clerk_after"}
    for name in sorted(unknown):
        problems.append(f"[remind] {name}: not a field of [remind]")
    days = _days_before(
        table.get("days_before", list(default.days_before)), "[remind] days_before", problems
    )
    flags = {}
    for name in ("on_the_day", "while_overdue"):
        value = table.get(name, getattr(default, name))
        if type(value) is not bool:
            problems.append(f"[remind] {name}: give true or false")
            value = getattr(default, name)
        flags[name] = value
    after = table.get("copy_clerk_after", default.copy_clerk_after)
    if type(after) is not int or not 0 <= after <= MOST_DAYS_BEFORE:
        problems.append(
            "[remind] copy_clerk_after: give the working days overdue from which the "
            "clerk is copied (0 for never)"
        )
        after = default.copy_clerk_after
    return Schedule(
        days_before=days if days is not None else default.days_before,
        copy_clerk_after=after,
        **flags,
    )


def _days_before(value: Any, where: str, problems: list[str]) -> tuple[int, ...] | None:
    """A list of days before a step (each 1 to a year), latest first; None if bad."""
    if not (
        isinstance(value, list)
        and all(type(d) is int and 1 <= d <= MOST_DAYS_BEFORE for d in value)
    ):
        problems.append(
            f"{where}: give a list of days from 1 to {MOST_DAYS_BEFORE}, such as [30, 14, 7, 1]"
        )
        return None
    return tuple(sorted(set(value), reverse=True))


def _parse_step(raw: Any, index: int, problems: list[str]) -> Step:
    fields = _Fields(raw, _where("steps", raw, index), problems)
    applies_to = fields.choice("applies_to", APPLIES_TO)
    option = fields.raw.get("option")
    if option is not None and (applies_to != "member" or option not in (1, 2)):
        problems.append(
            f"{fields.where} option: only a member step takes an option, and it must be 1 or 2"
        )
        option = None
    title = fields.text("title")
    return Step(
        id=fields.identifier(),
        title=title,
        label=fields.optional_text("label") or title,
        explanation=fields.text("explanation"),
        paragraph=fields.text("paragraph"),
        applies_to=applies_to,
        anchor=fields.anchor(),
        offset_days=fields.integer("offset_days"),
        option=Option.numbered(option) if option else None,
        remind_days_before=(
            _days_before(raw_days, f"{fields.where} remind_days_before", problems)
            if (raw_days := fields.raw.get("remind_days_before")) is not None
            else None
        ),
    )


def _parse_period(raw: Any, index: int, problems: list[str]) -> Period:
    """One `[[periods]]` entry, checked against every regular election the
    engine computes (a by-election's are checked when it is added)."""
    fields = _Fields(raw, _where("periods", raw, index), problems)
    before = len(problems)
    applies_to = fields.choice("applies_to", PERIOD_AUDIENCES)
    option = fields.raw.get("option")
    if option is not None and (applies_to != "member" or option not in (1, 2)):
        problems.append(
            f"{fields.where} option: only a period for members running takes an option, "
            "and it must be 1 or 2"
        )
        option = None
    elections = fields.choice("elections", PERIOD_ELECTIONS, default="all")
    starts = _periods.Anchor(
        fields.anchor("from", PERIOD_ANCHORS), fields.integer("from_offset_days")
    )
    ends = _periods.Anchor(
        fields.anchor("until", PERIOD_ANCHORS), fields.integer("until_offset_days")
    )
    title = fields.text("title")
    period = Period(
        id=fields.identifier(),
        title=title,
        label=fields.optional_text("label") or title,
        explanation=fields.text("explanation"),
        source=fields.text("source"),
        applies_to=applies_to,
        starts=starts,
        ends=ends,
        option=Option.numbered(option) if option else None,
        elections=elections,
        remind_days_before=(
            _days_before(raw_days, f"{fields.where} remind_days_before", problems)
            if (raw_days := fields.raw.get("remind_days_before")) is not None
            else None
        ),
    )
    if len(problems) == before:
        problems.extend(_computable(period, fields.where))
    return period


def _computable(period: Period, where: str) -> list[str]:
    """Why a well-formed period's dates cannot be computed, or end before they start."""
    for end, anchor in (("from", period.starts), ("until", period.ends)):
        if anchor.fixed_day and period.elections == "all":
            return [
                f"{where} {end}: {anchor.on} is a day of the election year, which a "
                'by-election does not have; add elections = "regular" (or hang it on a '
                "date every election has)"
            ]
        if anchor.on == "filing-date" and period.applies_to == "every-member":
            return [
                f"{where} {end}: a member who is not running has no filing date; apply it "
                'to members running (applies_to = "member") or hang it on another date'
            ]
    for year in range(FIRST_REGULAR_ELECTION, LAST_CHECKED_YEAR + 1, TERM_YEARS):
        dates = _periods.KeyDates.statutory(regime_for_year(year), year)
        found = list(_periods.problems_in(period, dates, f"the {year} regular election"))
        if found:
            return found
    return []


#: Periods are checked against every regular election up to this year, as the
#: engine's snapshots and properties are.
LAST_CHECKED_YEAR = 2100


def _parse_reminder(raw: Any, index: int, problems: list[str]) -> Reminder:
    fields = _Fields(raw, _where("reminders", raw, index), problems)
    return Reminder(
        id=fields.identifier(),
        title=fields.text("title"),
        explanation=fields.text("explanation"),
        paragraph=fields.text("paragraph"),
    )


_Choice = TypeVar("_Choice", bound=str)


class _Fields:
    """Reads fields of one TOML table, recording a problem for each bad one."""

    def __init__(self, raw: Any, where: str, problems: list[str]) -> None:
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.where = where
        self.problems = problems

    def _problem(self, name: str, text: str) -> None:
        self.problems.append(f"{self.where} {name}: {text}")

    def text(self, name: str) -> str:
        value = self.raw.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        self._problem(name, "missing" if value is None else "must be non-empty text")
        return ""

    def optional_text(self, name: str) -> str | None:
        if self.raw.get(name) is None:
            return None
        return self.text(name)

    def identifier(self) -> str:
        value = self.text("id")
        if value and not all(c.isalnum() or c in "-_" for c in value):
            self._problem("id", "use letters, digits, '-' and '_' only")
        return value

    def choice(
        self, name: str, allowed: tuple[_Choice, ...], default: _Choice | None = None
    ) -> _Choice:
        value = self.raw.get(name, default)
        for option in allowed:
            if value == option:
                return option
        found = "missing" if value is None else f"unknown {value!r}"
        self._problem(name, f"{found}; expected one of {', '.join(allowed)}")
        return allowed[0]

    def anchor(self, name: str = "anchor", known: tuple[str, ...] = ANCHORS) -> str:
        value = self.raw.get(name)
        if value in known or (isinstance(value, str) and _month_day(value)):
            return value
        found = "missing" if value is None else f"unknown {value!r}"
        self._problem(
            name,
            f"{found}; expected one of {', '.join(known)}, or a day of the election "
            "year as MM-DD (such as 08-01)",
        )
        return known[0]

    def integer(self, name: str) -> int:
        value = self.raw.get(name, 0)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 366:
            return value
        self._problem(name, "must be a whole number of days between -366 and 366")
        return 0


def _month_day(text: str) -> tuple[int, int] | None:
    """ "08-01" as (8, 1); None unless it is a day every year has."""
    month, dash, day = text.partition("-")
    if not (dash and len(month) == 2 and len(day) == 2 and (month + day).isdigit()):
        return None
    try:
        date(2001, int(month), int(day))  # a common year: no February 29
    except ValueError:
        return None
    return int(month), int(day)


def _table(value: Any, where: str, problems: list[str]) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    problems.append(f"{where}: missing table")
    return {}


def _entries(data: dict[str, Any], key: str, problems: list[str]) -> list[Any]:
    value = data.get(key, [])
    if isinstance(value, list):
        return value
    problems.append(f"{key}: must be an array of tables ([[{key}]])")
    return []


def _where(key: str, raw: Any, index: int) -> str:
    kind = {"steps": "step", "periods": "period"}.get(key, "reminder")
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return f"{kind} {raw['id']!r}"
    return f"{kind} #{index + 1}"


def _count(problems: list[str]) -> str:
    return "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
