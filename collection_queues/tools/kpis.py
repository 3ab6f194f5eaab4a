# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection KPIs from a company's receivable figures, free of the ORM.

The figures are read set-based from the journal items (collection.kpi); the
formulas below are the textbook ones, written down in the readme.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

# Aging buckets of the receivables, by days past due: (key, first day, last day).
BUCKETS = (
    ("not_due", None, 0),
    ("days_1_30", 1, 30),
    ("days_31_60", 31, 60),
    ("days_61_90", 61, 90),
    ("days_91", 91, None),
)
# How far back the countback looks for sales.
COUNTBACK_MONTHS = 24


def period_days(date_from: date, date_to: date) -> int:
    return (date_to - date_from).days + 1


def countback_months(date_to: date, months=COUNTBACK_MONTHS):
    """The months counted back from ``date_to``: (first day, last day) pairs, the
    most recent first, each ending the day before the next one starts; calendar
    months when ``date_to`` is the last day of a month."""
    month_end = (date_to + timedelta(days=1)).day == 1

    def end(index):
        shift = relativedelta(months=-index, **({"day": 31} if month_end else {}))
        return date_to + shift

    return [(end(index + 1) + timedelta(days=1), end(index)) for index in range(months)]


def dso_countback(receivable_end, monthly_sales, date_to, digits=2):
    """Days sales outstanding by the countback method: the days of the most
    recent months whose credit sales add up to the receivables at ``date_to``.

    :param receivable_end: the receivables balance at ``date_to``
    :param monthly_sales: credit sales of the months of ``countback_months``,
        the most recent first
    :return: days (float), 0 when nothing is owed; None when the months' sales
        do not cover the receivables (the DSO would only be a lower bound)
    """
    remaining, days = receivable_end, 0.0
    if round(remaining, digits) <= 0:
        return 0.0
    for (first, last), sales in zip(
        countback_months(date_to, len(monthly_sales)), monthly_sales, strict=True
    ):
        month_days = period_days(first, last)
        if round(sales, digits) <= 0:
            days += month_days
            continue
        if remaining > sales:
            remaining -= sales
            days += month_days
        else:
            return days + remaining / sales * month_days
    return None


# Why a KPI has no honest value on a company's books; the model words them.
NEGATIVE_RECEIVABLES = "negative_receivables"
UNCOVERED_RECEIVABLES = "uncovered_receivables"
NO_SALES = "no_sales"
NEGATIVE_SALES = "negative_sales"
NEGATIVE_CURRENT = "negative_current"
NEGATIVE_OVERDUE = "negative_overdue"
NOTHING_COLLECTIBLE = "nothing_collectible"
RECEIVABLES_GREW = "receivables_grew"
NO_PROMISES = "no_promises"
NO_DISPUTES_CLOSED = "no_disputes_closed"


def indexes(
    receivable_begin,
    receivable_end,
    receivable_current,
    credit_sales,
    monthly_sales,
    date_to,
    days,
    digits=2,
):
    """DSO (countback), best possible DSO, average days delinquent and CEI,
    rounded to a tenth; None for those the books give no honest value, with
    the reason.

    Each formula assumes the signs of what it divides and subtracts: a total
    or a bucket that customers' credits turn negative makes it say nothing.
    Best possible DSO and average days delinquent stay within 0 and the DSO.

    :param receivable_current: the part of ``receivable_end`` not yet due
    :param credit_sales: the credit sales of the period of ``days`` days
    :return: ({kpi: value or None}, {kpi: reason code, for the None ones})
    """

    def sign(amount):
        amount = round(amount, digits)
        return (amount > 0) - (amount < 0)

    overdue = receivable_end - receivable_current
    collectible = receivable_begin + credit_sales - receivable_current
    collected = collectible - overdue
    values = dict.fromkeys(
        ("dso", "best_possible_dso", "average_days_delinquent", "cei")
    )
    reasons = {}

    if sign(receivable_end) < 0:
        reasons["dso"] = NEGATIVE_RECEIVABLES
    else:
        dso = dso_countback(receivable_end, monthly_sales, date_to, digits)
        if dso is None:
            reasons["dso"] = UNCOVERED_RECEIVABLES
        else:
            values["dso"] = round(dso, 1)

    if values["dso"] is None:
        reasons["best_possible_dso"] = reasons["dso"]
    elif not sign(credit_sales):
        reasons["best_possible_dso"] = NO_SALES
    elif sign(credit_sales) < 0:
        reasons["best_possible_dso"] = NEGATIVE_SALES
    elif sign(receivable_current) < 0:
        reasons["best_possible_dso"] = NEGATIVE_CURRENT
    else:
        # The countback and the period's average sales may disagree: the best
        # possible DSO is never worse than the actual one.
        best = receivable_current / credit_sales * days
        values["best_possible_dso"] = round(min(max(best, 0.0), values["dso"]), 1)

    if values["best_possible_dso"] is None:
        reasons["average_days_delinquent"] = reasons["best_possible_dso"]
    elif sign(overdue) < 0:
        reasons["average_days_delinquent"] = NEGATIVE_OVERDUE
    else:
        # From the rounded figures, so that DSO = best possible + delinquent.
        values["average_days_delinquent"] = round(
            values["dso"] - values["best_possible_dso"], 1
        )

    # CEI = collected / collectible, where collected = collectible - overdue:
    # within 0-100 exactly when 0 <= overdue <= collectible.
    if sign(receivable_current) < 0:
        reasons["cei"] = NEGATIVE_CURRENT
    elif sign(overdue) < 0:
        reasons["cei"] = NEGATIVE_OVERDUE
    elif sign(collectible) <= 0:
        reasons["cei"] = NOTHING_COLLECTIBLE
    elif sign(collected) < 0:
        reasons["cei"] = RECEIVABLES_GREW
    else:
        # Clamped against the rounding of amounts within the precision only.
        values["cei"] = round(min(max(collected / collectible, 0.0), 1.0) * 100, 1)
    return values, reasons


def share(part, whole):
    """``part`` in percent of ``whole``; None when ``whole`` is nothing."""
    return part / whole * 100 if whole > 0 else None
