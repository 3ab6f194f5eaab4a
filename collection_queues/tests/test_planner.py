# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sequencing decision on its own: examples and properties (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import planner
from ..tools.planner import (
    ADDED,
    MOVED,
    PINNED,
    REMOVED,
    UNCHANGED,
    CurrentEntry,
    CustomerFacts,
    ProfileRule,
    WindowFacts,
)

LOW = ProfileRule(1, 10, 1, 30, 100.0)
HIGH = ProfileRule(2, 20, 31, 0, 500.0)


def facts(windows=None, current=None, is_company=True, tags=(), credit=0.0, due=None):
    """A customer's facts; by default, owing its in-window items less credits."""
    windows = windows or {}
    if due is None:
        due = sum(window.amount for window in windows.values()) - credit
    return CustomerFacts(
        partner_id=7,
        is_company=is_company,
        category_ids=frozenset(tags),
        credit_amount=credit,
        windows=windows,
        amount_due=due,
        current=current,
    )


@tagged("post_install", "-at_install", "collection_queues_pure")
class TestDecide(BaseCase):
    def test_not_meeting_anything_outside_a_queue_is_no_change(self):
        self.assertIsNone(planner.decide([LOW, HIGH], facts()))

    def test_a_customer_who_owes_nothing_meets_no_profile(self):
        """Past due items, but credits as large: whatever the credits setting."""
        owing_nothing = facts({1: WindowFacts(300.0), 2: WindowFacts(600.0)}, due=0.0)
        in_credit = facts({1: WindowFacts(300.0)}, credit=950.0, due=-650.0)
        for customer in (owing_nothing, in_credit):
            for credits_reduce in (False, True):
                self.assertIsNone(
                    planner.decide([LOW, HIGH], customer, credits_reduce=credits_reduce)
                )
        in_low = CurrentEntry(1, LOW.profile_id, sequenced=True)
        self.assertEqual(
            planner.decide([LOW, HIGH], owing_nothing._replace(current=in_low)).action,
            REMOVED,
        )
        # A cent owed is owed.
        self.assertEqual(
            planner.decide([LOW], facts({1: WindowFacts(300.0)}, due=0.01)).action,
            ADDED,
        )

    def test_added_to_the_highest_profile_met(self):
        decision = planner.decide(
            [LOW, HIGH],
            facts({1: WindowFacts(300.0), 2: WindowFacts(600.0)}),
        )
        self.assertEqual((decision.action, decision.rule), (ADDED, HIGH))

    def test_strictly_greater_at_currency_precision(self):
        self.assertFalse(planner.meets(LOW, facts({1: WindowFacts(100.0)})))
        self.assertFalse(planner.meets(LOW, facts({1: WindowFacts(100.004)})))
        self.assertTrue(planner.meets(LOW, facts({1: WindowFacts(100.01)})))

    def test_credits_reduce_only_when_asked(self):
        customer = facts({1: WindowFacts(300.0)}, credit=250.0)
        self.assertTrue(planner.meets(LOW, customer))
        self.assertFalse(planner.meets(LOW, customer, credits_reduce=True))

    def test_customer_type_and_tags(self):
        companies_only = ProfileRule(1, 10, 1, 30, 0.0, customer_type="company")
        people_only = ProfileRule(1, 10, 1, 30, 0.0, customer_type="individual")
        tagged = ProfileRule(1, 10, 1, 30, 0.0, category_ids=frozenset({5, 6}))
        window = {1: WindowFacts(10.0)}
        self.assertTrue(planner.meets(companies_only, facts(window)))
        self.assertFalse(planner.meets(companies_only, facts(window, is_company=False)))
        self.assertTrue(planner.meets(people_only, facts(window, is_company=False)))
        self.assertFalse(planner.meets(tagged, facts(window, tags={4})))
        self.assertTrue(planner.meets(tagged, facts(window, tags={4, 6})))

    def test_branches(self):
        rule = ProfileRule(1, 10, 1, 30, 0.0, branch_mask=0b010)
        self.assertFalse(planner.meets(rule, facts({1: WindowFacts(10.0, 0b101)})))
        self.assertTrue(planner.meets(rule, facts({1: WindowFacts(10.0, 0b011)})))

    def test_transitions(self):
        window = {1: WindowFacts(300.0)}
        in_low = CurrentEntry(11, LOW.profile_id, sequenced=True)
        in_high = CurrentEntry(11, HIGH.profile_id, sequenced=True)
        self.assertEqual(
            planner.decide([LOW, HIGH], facts(window, in_low)).action, UNCHANGED
        )
        self.assertEqual(
            planner.decide([LOW, HIGH], facts(window, in_high)).action, MOVED
        )
        self.assertEqual(planner.decide([LOW, HIGH], facts({}, in_low)).action, REMOVED)

    def test_pinned_placements_are_left_alone(self):
        pinned = CurrentEntry(11, 99, sequenced=False)
        self.assertEqual(planner.decide([LOW], facts({}, pinned)).action, PINNED)
        self.assertEqual(
            planner.decide([LOW], facts({1: WindowFacts(300.0)}, pinned)).action,
            PINNED,
        )


rules_strategy = st.lists(
    st.builds(
        ProfileRule,
        profile_id=st.integers(1, 8),
        sequence_number=st.integers(1, 50),
        days_min=st.integers(0, 120),
        days_max=st.integers(0, 120),
        min_amount=st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 2)),
        customer_type=st.sampled_from(planner.CUSTOMER_TYPES),
        category_ids=st.frozensets(st.integers(1, 4), max_size=2),
        branch_mask=st.integers(0, 7),
    ),
    max_size=6,
    # As in the database: one profile per id, one sequence number per profile.
    unique_by=(lambda rule: rule.profile_id, lambda rule: rule.sequence_number),
)

facts_strategy = st.builds(
    CustomerFacts,
    partner_id=st.just(1),
    is_company=st.booleans(),
    category_ids=st.frozensets(st.integers(1, 4), max_size=3),
    credit_amount=st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 2)),
    windows=st.dictionaries(
        st.integers(1, 8),
        st.builds(
            WindowFacts,
            amount=st.floats(0.01, 2000, allow_nan=False).map(lambda x: round(x, 2)),
            branch_mask=st.integers(1, 7),
        ),
    ),
    amount_due=st.floats(-500, 3000, allow_nan=False).map(lambda x: round(x, 2)),
    current=st.none()
    | st.builds(
        CurrentEntry,
        entry_id=st.just(1),
        profile_id=st.integers(1, 9),
        sequenced=st.booleans(),
    ),
)


@tagged("post_install", "-at_install", "collection_queues_pure")
class TestDecideProperties(BaseCase):
    @settings(max_examples=300, deadline=None)
    @given(rules_strategy, facts_strategy, st.booleans())
    def test_decision_invariants(self, rules, customer, credits_reduce):
        decision = planner.decide(rules, customer, credits_reduce=credits_reduce)
        met = [rule for rule in rules if planner.meets(rule, customer, credits_reduce)]
        current = customer.current
        if current is not None and not current.sequenced:
            # A pinned placement is never touched.
            self.assertEqual(decision.action, PINNED)
            return
        if not met:
            # Nothing met: out of collections (or stays out).
            self.assertEqual(decision and decision.action, REMOVED if current else None)
            return
        # The winner is met and no profile met has a higher or equal number.
        self.assertIn(decision.rule, met)
        self.assertTrue(
            all(
                rule.sequence_number < decision.rule.sequence_number
                for rule in met
                if rule != decision.rule
            )
        )
        expected = (
            ADDED
            if current is None
            else UNCHANGED
            if current.profile_id == decision.rule.profile_id
            else MOVED
        )
        self.assertEqual(decision.action, expected)

    @settings(max_examples=200, deadline=None)
    @given(rules_strategy, facts_strategy, st.booleans())
    def test_a_customer_who_owes_nothing_is_in_no_sequenced_queue(
        self, rules, customer, credits_reduce
    ):
        customer = customer._replace(amount_due=-abs(customer.amount_due))
        decision = planner.decide(rules, customer, credits_reduce=credits_reduce)
        self.assertFalse(
            any(planner.meets(rule, customer, credits_reduce) for rule in rules)
        )
        self.assertIn(decision and decision.action, (None, REMOVED, PINNED))

    @settings(max_examples=200, deadline=None)
    @given(rules_strategy, facts_strategy)
    def test_deciding_again_after_applying_changes_nothing(self, rules, customer):
        """Idempotency: once the decision is applied, the next one is a no-op."""
        decision = planner.decide(rules, customer)
        if decision is None or decision.action in (PINNED, UNCHANGED):
            return
        applied = customer._replace(
            current=None
            if decision.action == REMOVED
            else CurrentEntry(1, decision.rule.profile_id, sequenced=True)
        )
        again = planner.decide(rules, applied)
        self.assertIn(again and again.action, (None, UNCHANGED))
