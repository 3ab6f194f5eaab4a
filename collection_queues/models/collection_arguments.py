# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Arguments of the public business methods, as Python and RPC callers pass them.

The business methods are called from the UI, from other modules and over XML-RPC
and JSON-RPC: a record may come as a recordset or an id, a date as a date or an ISO
string. Anything else is refused here with a clear, translated message, before the
method changes anything.
"""

import contextlib
import functools
import inspect
import math
from datetime import date, datetime

from odoo import fields, models
from odoo.exceptions import UserError

# Amounts far beyond any receivable, yet safe in every sum.
MAX_AMOUNT = 10**15


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _records_repr(records):
    """``res.partner[7, 8]``: records as a message names them. (Written apart
    from the messages: the extractor of translatable terms reads no f-string
    inside them.)"""
    return f"{records._name}{records.ids}"


def public_method(method):
    """Decorate a public business method: the records it runs on must be
    records (their ids whole numbers) and its arguments must fit its signature,
    else a clear, translated message before it runs. RPC callers pass anything;
    Python would answer them with a TypeError deep in the method.

    Put it below ``@api.model`` when there is one."""
    signature = inspect.signature(method)
    params = list(signature.parameters.values())[1:]  # without self

    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        if not all(_is_id(record_id) for record_id in self._ids if record_id):
            raise UserError(
                self.env._(
                    "%(method)s runs on records given by their ids (whole numbers), "
                    "got %(ids)r.",
                    method=method.__name__,
                    ids=list(self._ids),
                )
            )
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError:
            raise UserError(
                _signature_problem(self.env, method.__name__, params, args, kwargs)
            ) from None
        return method(self, *args, **kwargs)

    return checked


def _signature_problem(env, name, params, args, kwargs):
    """Why ``args`` and ``kwargs`` do not fit ``params``, in words."""
    expected = ", ".join(
        param.name
        if param.default is param.empty
        else f"{param.name}={param.default!r}"
        for param in params
    )
    unknown = [key for key in kwargs if key not in {param.name for param in params}]
    if unknown:
        return env._(
            "%(method)s has no argument named %(names)s; its arguments are "
            "(%(expected)s).",
            method=name,
            names=", ".join(unknown),
            expected=expected,
        )
    if len(args) > len(params):
        return env._(
            "%(method)s takes %(count)s arguments, got %(given)s; its arguments are "
            "(%(expected)s).",
            method=name,
            count=len(params),
            given=len(args),
            expected=expected,
        )
    given = {param.name for param in params[: len(args)]} | set(kwargs)
    twice = [param.name for param in params[: len(args)] if param.name in kwargs]
    if twice:
        return env._(
            "%(method)s got %(names)s twice; its arguments are (%(expected)s).",
            method=name,
            names=", ".join(twice),
            expected=expected,
        )
    missing = [
        param.name
        for param in params
        if param.default is param.empty and param.name not in given
    ]
    return env._(
        "%(method)s needs %(names)s; its arguments are (%(expected)s).",
        method=name,
        names=", ".join(missing),
        expected=expected,
    )


def record_arg(env, model, value, label):
    """One existing record of ``model``, given as a record or an id; an empty
    recordset for an empty value (False, None, 0).

    :param label: what the argument is, for the message ("queue", "status"...)
    """
    if isinstance(value, models.BaseModel):
        if not value and value._name == model:
            return env[model]
        if value._name != model or len(value) != 1:
            given = _records_repr(value)
            raise UserError(
                env._(
                    "Expected one %(label)s, got %(value)s.",
                    label=label,
                    value=given,
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
            given = _records_repr(value)
            raise UserError(
                env._(
                    "Expected %(label)s, got %(value)s.",
                    label=label,
                    value=given,
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
    """A positive amount: a number (not a boolean), as both RPC protocols send
    it, and no larger than any receivable could be."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 < value <= MAX_AMOUNT
    ):
        return float(value)
    raise UserError(
        env._(
            "%(label)s must be a positive number up to %(maximum)s, got %(value)r.",
            label=label,
            maximum=MAX_AMOUNT,
            value=value,
        )
    )


def count_arg(env, value, label, maximum):
    """A whole number up to ``maximum`` (a number of days, a priority): not
    empty, not a fraction, not text. (Below zero is the model's constraint's
    to say.)"""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise UserError(
            env._(
                "%(label)s must be a whole number, got %(value)r.",
                label=label,
                value=value,
            )
        )
    if abs(value) > maximum:
        raise UserError(
            env._(
                "%(label)s must lie between 0 and %(maximum)s, got %(value)s.",
                label=label,
                maximum=maximum,
                value=value,
            )
        )
    return value


def bounded_amount_arg(env, value, label, maximum):
    """An amount up to ``maximum``: a number, not text, not infinite. (Below
    zero is the model's constraint's to say.)"""
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or abs(value) > maximum
    ):
        raise UserError(
            env._(
                "%(label)s must be an amount between 0 and %(maximum)s, got %(value)r.",
                label=label,
                maximum=maximum,
                value=value,
            )
        )
    return value


def readable_selection(env, model, ids):
    """The records of ``model`` a dialog was opened on (its ``active_ids``),
    all of them readable by the user: a selection holding records the user may
    not open is refused whole, never silently cut."""
    if not isinstance(ids, list | tuple) or not all(_is_id(i) for i in ids):
        raise UserError(
            env._(
                "The records a dialog is opened on are given by their ids (whole "
                "numbers), got %(ids)r.",
                ids=ids,
            )
        )
    records = env[model].browse(ids).exists()
    if env.su:
        return records
    hidden = records - records._filtered_access("read")
    if hidden:
        raise UserError(
            env._(
                "The selection holds %(count)s records you are not allowed to open "
                "(%(kind)s); select only what you may work on.",
                count=len(hidden),
                kind=env["ir.model"]._get(model).name,
            )
        )
    return records


def values_arg(env, vals):
    """Values of a record to create or write: a dictionary of field values."""
    if not isinstance(vals, dict):
        raise UserError(
            env._(
                "Expected the values of a record (field names and their values), "
                "got %(value)r.",
                value=vals,
            )
        )
    return vals


def check_readable_values(model, vals_list):
    """Refuse values that point at records of collections the user may not open
    (a queue, an entry, another company's): a dialog or a line created over RPC
    with such ids would show their names."""
    env = model.env
    for vals in vals_list:
        values_arg(env, vals)
    if env.su:
        return
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields.get(name)
            if not field or not field.relational:
                continue
            comodel = env[field.comodel_name]
            if field.type == "one2many":
                check_readable_values(
                    comodel,
                    [
                        command[2]
                        for command in (
                            value if isinstance(value, list | tuple) else []
                        )
                        if isinstance(command, list | tuple)
                        and len(command) == 3
                        and isinstance(command[2], dict)
                    ],
                )
                continue
            if not field.comodel_name.startswith("collection."):
                continue
            ids = command_ids(value)
            records = comodel.browse(ids).exists()
            if records and records != records._filtered_access("read"):
                raise UserError(
                    env._(
                        "%(field)s: you are not allowed to open these records.",
                        field=field.get_description(env)["string"],
                    )
                )


def command_ids(value):
    """The ids a relational value names (an id, or x2many commands)."""
    if _is_id(value):
        return [value]
    ids = []
    for command in value if isinstance(value, list | tuple) else []:
        if _is_id(command):
            ids.append(command)
        elif isinstance(command, list | tuple) and command:
            if command[0] == 6 and len(command) == 3:
                ids.extend(i for i in command[2] or [] if _is_id(i))
            elif command[0] in (1, 4) and len(command) >= 2 and _is_id(command[1]):
                ids.append(command[1])
    return ids


def check_read_access(records):
    """As ``records.check_access("read")``, with the record rules applied by
    PostgreSQL in one query rather than record by record in Python: a selection
    of ten thousand customers is checked at once. Odoo's own check runs (and
    raises its message) only when some record is not readable."""
    if records.env.su or not records:
        return
    ids = set(records.ids)
    readable = (
        records.with_context(active_test=False)
        .browse()
        .search_count([("id", "in", list(ids))])
    )
    if readable != len(ids):
        records.check_access("read")
