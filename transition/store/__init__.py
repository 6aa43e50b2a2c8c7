"""The store: the record in its database, every change to it with its audit
event, and what the commands read from it. It uses the core, never the
documents or the command line.

Its front door is `open_record` (`transition.store.record`): the command
line, the demo builder, the benchmark and the tests all open the record
through it. Names are imported when first used, so that importing the
package costs nothing until a command opens a record.

Where the rest lives:

- `backends`: the two databases behind one interface (`base.Backend`):
  `sqlite`, `postgres`, and `access` (who may change what);
  `migrations`: the schema's revisions; `errors`: the store's refusals.
- `tracker`, `lookup`, `changes` (elections, members, accounts), `marking`,
  `checklists`, `grants`, `ids`, `models`, `values`: one transaction's work.
- `listings`, `status`: what the commands show, in the shapes of `shapes`;
  `holiday_cache`: holidays on disk.
- `trail`: the audit trail: `journal`, `events`, `chain`, `contents`,
  `anchors`, `integrity`.
- `transfer`: records moving in and out: `csv_import`, `export`, `restore`,
  `vetting`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transition.store.backends import Location, Mode, locate
    from transition.store.errors import StoreError
    from transition.store.record import Record, open_record, transact
    from transition.store.tracker import Tracker

#: What the package exports, and the module each comes from.
EXPORTS = {
    "open_record": "transition.store.record",
    "transact": "transition.store.record",
    "Record": "transition.store.record",
    "Mode": "transition.store.backends",
    "Location": "transition.store.backends",
    "locate": "transition.store.backends",
    "Tracker": "transition.store.tracker",
    "StoreError": "transition.store.errors",
}
__all__ = [
    "Location",
    "Mode",
    "Record",
    "StoreError",
    "Tracker",
    "locate",
    "open_record",
    "transact",
]


def __getattr__(name: str) -> Any:
    if name not in EXPORTS:
        raise AttributeError(f"module 'transition.store' has no attribute {name!r}")
    return getattr(import_module(EXPORTS[name]), name)
