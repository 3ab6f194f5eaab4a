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
    :return: days (float); all the months' days when their sales do not cover
        the receivables
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
    return days


def best_possible_dso(receivable_current, credit_sales, days):
    """The DSO if every customer paid on time: current receivables over the
    period's credit sales, times the days of the period."""
    if credit_sales <= 0:
        return 0.0
    return receivable_current / credit_sales * days


def cei(receivable_begin, credit_sales, receivable_end, receivable_end_current):
    """Collection effectiveness index, in percent: what was collected of what
    could be collected in the period. None when nothing could be."""
    collectible = receivable_begin + credit_sales - receivable_end_current
    if collectible <= 0:
        return None
    return (receivable_begin + credit_sales - receivable_end) / collectible * 100


def share(part, whole):
    """``part`` in percent of ``whole``; None when ``whole`` is nothing."""
    return part / whole * 100 if whole > 0 else None
