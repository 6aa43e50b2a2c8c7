"""A digest of reminders as an e-mail message: plain text and HTML from the
project's templates, with the headers automated mail needs.

`Auto-Submitted: auto-generated` (RFC 3834) tells mail programs and
auto-responders that no person wrote it (so no out-of-office reply comes
back); the `Message-ID` is made before the message is claimed in the
record, so the record names the message the server took; `Date` is
Toronto's time. Every header is written through the standard library's
SMTP policy, which refuses a line break inside one: no name or address can
add a header of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from transition.core.terms import due_text
from transition.errors import TransitionError
from transition.files import resource_dir

if TYPE_CHECKING:
    from email.message import EmailMessage

    from transition.store.reminders import Digest

DEFAULT_SENDER = "transition@localhost"


@dataclass(frozen=True)
class Letterhead:
    """What every message of a run shares."""

    sender: str
    election: str
    #: When the run composes (Toronto time), for the Date header.
    now: datetime
    #: Each step's explanation, by its id in the profile.
    explanations: dict[str, str]


def sender_address(configured: str | None, *, sending: bool = False) -> str:
    """`TRANSITION_SMTP_FROM`, checked as one address (a display name
    allowed, in any script; the address itself as `clean_address` takes
    one). Sending needs it; a dry run or an outbox says "transition@localhost"."""
    text = (configured or "").strip()
    if not text:
        if sending:
            raise TransitionError(
                "set TRANSITION_SMTP_FROM to the address the messages come from, "
                "such as 'Council Office <office@example.org>'"
            )
        return DEFAULT_SENDER
    from email.headerregistry import HeaderRegistry

    from transition.store.values import clean_address

    refusal = (
        f"TRANSITION_SMTP_FROM {text!r} is not one e-mail address transition can send "
        "from; give one such as 'Council Office <office@example.org>'"
    )
    try:
        header = HeaderRegistry()("From", text)
        (address,) = header.addresses
        clean_address(address.addr_spec)
    except (ValueError, IndexError, TypeError, TransitionError):
        raise TransitionError(refusal) from None
    if header.defects or not address.username or not address.domain:
        raise TransitionError(refusal)
    return str(address)


def new_message_id(sender: str) -> str:
    from email.utils import make_msgid

    domain = sender.rpartition("@")[2].rstrip(">") or "localhost"
    return make_msgid(domain=domain)


def subject(digest: Digest, today: Any) -> str:
    """What is most urgent first: "2 steps overdue, 3 due this week: Jane Doe",
    then the periods about to start ("1 period starting 2030-08-01")."""
    overdue = sum(1 for n in digest.notices if n.stage.overdue)
    soon = sum(
        1 for n in digest.notices if not n.stage.overdue and (n.stage.anchor - today).days <= 7
    )
    later = len(digest.notices) - overdue - soon
    parts = []
    if overdue:
        parts.append(f"{_steps(overdue)} overdue")
    if soon:
        parts.append(f"{_steps(soon) if not parts else soon} due this week")
    if later:
        parts.append(f"{_steps(later) if not parts else later} coming up")
    if digest.periods:
        starts = sorted({n.stage.anchor for n in digest.periods})
        when = "today" if starts[0] == today else starts[0].isoformat()
        count = len(digest.periods)
        several = "from " if len(starts) > 1 else ""
        parts.append(f"{count} period{'s' if count != 1 else ''} starting {several}{when}")
    return f"{', '.join(parts)}: {digest.about}"


def _steps(count: int) -> str:
    return f"{count} step{'s' if count != 1 else ''}"


def compose(digest: Digest, head: Letterhead, message_id: str, today: Any) -> EmailMessage:
    """The digest as one message, both parts, ready to send or save. The
    standard library's mail modules load here (about 45 ms): a dry run, which
    shows the digests and composes none, does without them."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime

    steps = [_step(notice, head) for notice in digest.notices]
    periods = [_period(notice) for notice in digest.periods]
    said = subject(digest, today)
    if digest.heard_as == "clerk":
        greeting = "To the clerk,"
        lead = f"These steps of the {head.election} election are overdue across the council."
    elif digest.heard_as == "owner":
        greeting = "Hello,"
        lead = f"These steps of the {head.election} election are yours to see through."
    else:
        greeting = f"To the office of {digest.about},"
        lead = f"These steps of the {head.election} election are coming due or overdue."
    if not steps:
        lead = f"These restrictions of the {head.election} election start soon."
    once = "Each step is reminded once a stage."
    if periods:
        once = "Each step, and each period's start, is reminded once a stage."
    context = {
        "subject": said,
        "greeting": greeting,
        "lead": lead,
        "steps": steps,
        "periods": periods,
        "periods_lead": (
            "Each is in force from its first day to its last, both included; "
            "there is nothing to mark done."
        ),
        "footer": (
            "Sent by transition, which keeps the election-period social media "
            f"rules; this message was sent automatically. {once}"
        ),
    }
    message = EmailMessage(policy=SMTP)
    message["From"] = head.sender
    message["To"] = Address(addr_spec=digest.to)
    if digest.cc:
        message["Cc"] = ", ".join(digest.cc)
    message["Subject"] = said
    message["Date"] = format_datetime(head.now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(_render("digest.txt.j2", context))
    message.add_alternative(_render("digest.html.j2", context), subtype="html")
    return message


def _step(notice: Any, head: Letterhead) -> dict[str, Any]:
    entry = notice.entry
    return {
        "id": entry["id"],
        "member": entry["member"],
        "title": entry["title"],
        "account": entry["account"],
        "paragraph": entry["paragraph"] or "(none)",
        "due": due_text(entry["due"], entry["latest"]),
        "stage": notice.stage.name,
        "overdue": bool(notice.stage.overdue),
        "why": head.explanations.get(entry["step"], ""),
        "owner": entry["owner"],
    }


def _period(notice: Any) -> dict[str, Any]:
    entry = notice.entry
    ends = entry["ends"] or f"the filing date (by {entry['latest_end']})"
    return {
        "member": entry["member"],
        "title": entry["title"],
        "starts": entry["starts"],
        "ends": ends,
        "stage": notice.stage.name,
        "why": entry["explanation"],
        "source": entry["source"],
    }


def _render(template: str, context: dict[str, Any]) -> str:
    return str(_environment().get_template(f"mail/{template}").render(**context))


@lru_cache(maxsize=1)
def _environment() -> Any:
    """Jinja2 for mail: the HTML part escaped, the text part as written."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
