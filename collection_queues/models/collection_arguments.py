# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Arguments of the public business methods, as Python and RPC callers pass them.

The business methods are called from the UI, from other modules and over XML-RPC
and JSON-RPC: a record may come as a recordset or an id, a date as a date or an ISO
string. Anything else is refused here with a clear, translated message, before the
method changes anything.
"""

import contextlib
import math
from datetime import date, datetime

from odoo import fields, models
from odoo.exceptions import UserError


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def record_arg(env, model, value, label):
    """One existing record of ``model``, given as a record or an id; an empty
    recordset for an empty value (False, None, 0).

    :param label: what the argument is, for the message ("queue", "status"...)
    """
    if isinstance(value, models.BaseModel):
        if not value and value._name == model:
            return env[model]
        if value._name != model or len(value) != 1:
            raise UserError(
                env._(
                    "Expected one %(label)s, got %(value)s.",
                    label=label,
                    value=f"{value._name}{value.ids}",
                )
            )
        record = value.with_env(env)
    elif value is None or value is False or (isinstance(value, int) and value == 0):
        return env[model]
    elif _is_id(value):
        record = env[model].browse(value)
    else:
        raise UserError(
            env._(
                "Expected the id of a %(label)s (a whole number), got %(value)r.",
                label=label,
                value=value,
            )
        )
    if not record.exists():
        raise UserError(
            env._(
                "The %(label)s with id %(id)s does not exist or was deleted.",
                label=label,
                id=record.id,
            )
        )
    return record


def records_arg(env, model, value, label):
    """Existing records of ``model``, given as a recordset, an id or a list of ids."""
    if isinstance(value, models.BaseModel):
        if value._name != model:
            raise UserError(
                env._(
                    "Expected %(label)s, got %(value)s.",
                    label=label,
                    value=f"{value._name}{value.ids}",
                )
            )
        records = value.with_env(env)
    elif _is_id(value) or (
        isinstance(value, list | tuple) and all(_is_id(item) for item in value)
    ):
        records = env[model].browse(value)
    else:
        raise UserError(
            env._(
                "Expected %(label)s as a list of ids (whole numbers), got %(value)r.",
                label=label,
                value=value,
            )
        )
    missing = records - records.exists()
    if missing:
        raise UserError(
            env._(
                "These %(label)s do not exist or were deleted: ids %(ids)s.",
                label=label,
                ids=", ".join(str(record_id) for record_id in missing.ids),
            )
        )
    return records


def date_arg(env, value, label):
    """A date given as a date or an ISO string (YYYY-MM-DD), as RPC sends it."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = fields.Date.to_date(value)
    if parsed:
        return parsed
    raise UserError(
        env._(
            "%(label)s: %(value)r is not a date (expected YYYY-MM-DD).",
            label=label,
            value=value,
        )
    )


def text_arg(env, value, label):
    """An optional text (a note): False when empty."""
    if value is None or value is False:
        return False
    if not isinstance(value, str):
        raise UserError(
            env._(
                "%(label)s must be text, got %(value)r.",
                label=label,
                value=value,
            )
        )
    return value or False


def flag_arg(env, value, label):
    """A yes/no option: a boolean (or 0/1, as some RPC clients send)."""
    if value is None:
        return False
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    raise UserError(
        env._(
            "%(label)s must be true or false, got %(value)r.",
            label=label,
            value=value,
        )
    )


def amount_arg(env, value, label):
    """A positive amount: a number (not a boolean), as both RPC protocols send it."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    ):
        return float(value)
    raise UserError(
        env._(
            "%(label)s must be a positive number, got %(value)r.",
            label=label,
            value=value,
        )
    )
