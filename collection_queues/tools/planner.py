# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who goes where: the sequencing decision, free of the ORM.

The refresh fetches, in one set-based query, the facts of every customer of a
company: per sequenced profile, the amount of the customer's open items inside the
profile's days window and the branches they come from, plus the customer's current
queue entry. This module turns those facts into a decision for the customer. It
knows nothing of Odoo, so that the rules can be read, tested and reasoned about on
their own.
"""

from operator import attrgetter
from typing import NamedTuple

CUSTOMER_TYPES = ("individual", "company", "both")

ADDED = "added"
MOVED = "moved"
REMOVED = "removed"
UNCHANGED = "unchanged"
PINNED = "pinned"


class ProfileRule(NamedTuple):
    """The placement rules of one sequenced profile (one queue)."""

    profile_id: int
    sequence_number: int
    days_min: int
    days_max: int  # 0: no upper limit
    min_amount: float
    customer_type: str = "both"
    category_ids: frozenset = frozenset()  # empty: any customer
    # The branches whose items qualify, as bits of the company tree (see the
    # fetching side); 0 means the whole tree.
    branch_mask: int = 0


class WindowFacts(NamedTuple):
    """The customer's open items inside one profile's days window."""

    amount: float  # their residuals, summed
    branch_mask: int = 0  # the branches they belong to (fetched when a rule needs it)


class CurrentEntry(NamedTuple):
    """The customer's open entry in the company."""

    entry_id: int
    profile_id: int
    # False for a user's placement in a queue that is not sequenced: pinned, never
    # touched by the rules.
    sequenced: bool


class CustomerFacts(NamedTuple):
    partner_id: int
    is_company: bool
    category_ids: frozenset
    credit_amount: float  # unapplied credits, positive
    windows: dict  # profile id -> WindowFacts; profiles with nothing in window absent
    # The balance of all the customer's open items in the company tree, credits
    # included: what the customer owes.
    amount_due: float
    current: CurrentEntry | None = None


class Decision(NamedTuple):
    action: str  # ADDED, MOVED, REMOVED, UNCHANGED or PINNED
    rule: ProfileRule | None = None  # the profile met (None when removed or pinned)
    window: WindowFacts | None = None  # the facts that made the customer meet it


def qualifying_amount(window, credit_amount=0.0, credits_reduce=False):
    """The amount compared with the profile's minimum."""
    if credits_reduce:
        return window.amount - credit_amount
    return window.amount


def owes_nothing(facts, digits=2):
    """Nobody is chased for a balance they do not owe, whatever the settings."""
    return round(facts.amount_due, digits) <= 0


def meets(rule, facts, credits_reduce=False, digits=2):
    """Whether the customer meets all the rules of the profile."""
    if owes_nothing(facts, digits):
        return False
    window = facts.windows.get(rule.profile_id)
    # At least one item in the window...
    if window is None or window.amount <= 0:
        return False
    # ...totalling strictly more than the minimum, at the currency's precision.
    amount = qualifying_amount(window, facts.credit_amount, credits_reduce)
    if round(amount - rule.min_amount, digits) <= 0:
        return False
    if rule.customer_type == "company" and not facts.is_company:
        return False
    if rule.customer_type == "individual" and facts.is_company:
        return False
    if rule.category_ids and not rule.category_ids & facts.category_ids:
        return False
    return not rule.branch_mask or bool(rule.branch_mask & window.branch_mask)


def best_rule(rules, facts, credits_reduce=False, digits=2):
    """The profile met with the highest sequence number, or None."""
    for rule in sorted(rules, key=attrgetter("sequence_number"), reverse=True):
        if meets(rule, facts, credits_reduce=credits_reduce, digits=digits):
            return rule
    return None


def decide(rules, facts, credits_reduce=False, digits=2):
    """What a refresh does with one customer in one company.

    ``rules`` are the company's active sequenced profiles. A customer pinned by a
    user in a queue that is not sequenced is left alone; otherwise the customer
    ends in the best profile met, or in no queue. None: not in a queue, and stays
    out.
    """
    current = facts.current
    if current is not None and not current.sequenced:
        return Decision(PINNED)
    rule = best_rule(rules, facts, credits_reduce=credits_reduce, digits=digits)
    if rule is None:
        return Decision(REMOVED) if current is not None else None
    window = facts.windows[rule.profile_id]
    if current is None:
        return Decision(ADDED, rule, window)
    if current.profile_id == rule.profile_id:
        return Decision(UNCHANGED, rule, window)
    return Decision(MOVED, rule, window)
