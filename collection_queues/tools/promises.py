# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whether a promise to pay was kept: the judgement, free of the ORM.

The evaluation fetches, in one set-based query, what each open promise's customer
paid since the promise was made; this module says what became of the promise.
"""

from datetime import date, timedelta

OPEN = "open"
KEPT = "kept"
PARTIAL = "partial"
BROKEN = "broken"
CANCELLED = "cancelled"


def deadline(promised_date: date, tolerance_days: int) -> date:
    """The last day a payment still counts for the promise."""
    return promised_date + timedelta(days=max(tolerance_days, 0))


def outcome(amount, paid, last_day, today, digits=2, left_paid=False):
    """The promise's new state, or None while it stays open.

    :param amount: the amount promised
    :param paid: what the customer paid since the promise, in the same currency
    :param last_day: the deadline (promised date plus the tolerance)
    :param today: the day of the evaluation
    :param digits: the currency's decimal places
    :param left_paid: the customer just left collections because it paid
    """
    if round(paid - amount, digits) >= 0 or left_paid:
        return KEPT
    if today > last_day:
        return PARTIAL if round(paid, digits) > 0 else BROKEN
    return None


def followup_day(last_day: date, today: date) -> date:
    """When the collector follows up a broken promise: the day after the
    deadline, or today when the promise is judged later than that."""
    return max(last_day + timedelta(days=1), today)
