# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which of the automatic steps due for a queue entry run today: pure Python,
given the facts (the steps due and what holds them)."""

from itertools import groupby
from typing import NamedTuple

RUN, SKIP, HOLD = "run", "skip", "hold"
# Steps that write to the customer: one a day at most, the quiet days apart.
CONTACT_ACTIONS = ("email", "print")
# Why a contact step waits for another one that goes out the same day.
HOLD_OTHER_CONTACT = "other_contact"


class DueStep(NamedTuple):
    """A step whose day has come for an entry, and never ran for it."""

    entry_id: int
    step_id: int
    action: str
    day: int
    sequence: int
    hold: str | None  # why the step waits (a hold's code), None when it need not
    hold_value: object  # what the hold's message shows (a date...)


def plan(due_steps):
    """[(due step, outcome, hold, hold value)], outcome RUN, SKIP or HOLD.

    Per entry and action, only the latest step (highest day) is considered;
    the earlier ones are skipped for good (they were missed and are
    superseded). The latest runs unless held; of two contact steps (e-mail and
    print) free to run for one entry, the later runs and the other waits.
    """
    decisions = []
    ordered = sorted(due_steps, key=lambda due: due.entry_id)
    for _entry_id, entry_steps in groupby(ordered, key=lambda due: due.entry_id):
        latest = {}
        for due in sorted(
            entry_steps, key=lambda due: (due.day, due.sequence, due.step_id)
        ):
            if due.action in latest:
                decisions.append((latest[due.action], SKIP, None, None))
            latest[due.action] = due
        contact_sent = False
        for due in sorted(
            latest.values(),
            key=lambda due: (due.day, due.sequence, due.step_id),
            reverse=True,
        ):
            if due.hold:
                decisions.append((due, HOLD, due.hold, due.hold_value))
            elif due.action in CONTACT_ACTIONS and contact_sent:
                decisions.append((due, HOLD, HOLD_OTHER_CONTACT, None))
            else:
                contact_sent = contact_sent or due.action in CONTACT_ACTIONS
                decisions.append((due, RUN, None, None))
    return decisions
