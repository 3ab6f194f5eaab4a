# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cursor-level helpers of the bulk writes, free of the ORM's per-record work:
rows inserted and updated a few thousand per statement, rows locked, conflicts
with concurrent transactions isolated, PostgreSQL settings for a block.

Plain functions taking a cursor or records, as Odoo's own ``odoo/tools/sql.py``.
"""

from contextlib import contextmanager
from datetime import datetime
from itertools import chain

import psycopg2
from markupsafe import Markup

from odoo.tools import SQL, split_every

# Rows per statement (and customers per chunk of a refresh): bounds the size of
# a statement and the memory of the process.
CHUNK = 2000

# What a concurrent transaction working on the same rows causes: the caller
# leaves those rows for its next run.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.ExclusionViolation,
)


def audit_now():
    """The moment written as a row's creation or last change, as the ORM
    writes it (the server runs in UTC)."""
    return datetime.now().replace(microsecond=0)


def values_sql(row_template, rows):
    """``rows`` (tuples) as the list of a VALUES clause.

    :param row_template: the placeholders of one row, e.g. ``"(%s, %s)"``
    """
    rows = list(rows)
    # One SQL object for all: one per row costs more than the statement itself
    # on tens of thousands of rows.
    return SQL(", ".join([row_template] * len(rows)), *chain.from_iterable(rows))


def bulk_insert(model, rows):
    """INSERT ``rows`` (dicts of column values) of ``model``, a few thousand per
    statement; return the new ids.

    Only for models whose rows need nothing from the ORM on creation (no
    default, computed, translated or sanitized value left to fill): the caller
    gives every stored value.
    """
    if not rows:
        return []
    uid, cr, now = model.env.uid, model.env.cr, audit_now()
    audit = {"create_uid": uid, "create_date": now, "write_uid": uid, "write_date": now}
    columns = sorted({name for row in rows for name in row}) + list(audit)
    booleans = {name for name in columns if model._fields[name].type == "boolean"}
    types = [SQL(model._fields[name].column_type[0]) for name in columns]

    def column_value(name, value):
        if value is False and name not in booleans:
            return None  # the ORM's False is SQL's NULL
        return str(value) if isinstance(value, Markup) else value

    ids = []
    for chunk in split_every(CHUNK, rows, list):
        values = []
        for row in chunk:
            row = {**row, **audit}
            values.append(
                [column_value(name, row.get(name, False)) for name in columns]
            )
        # A value every row shares is sent once, not once per row: most of a
        # statement's cost is the values it carries. The first column always
        # varies, so that the list has a row per row.
        varying = [0] + [
            index
            for index in range(1, len(columns))
            if any(row[index] != values[0][index] for row in values)
        ]
        cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (%(columns)s)
                SELECT %(select)s
                  FROM (VALUES %(values)s) AS source(%(names)s)
                RETURNING id
                """,
                table=SQL.identifier(model._table),
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                select=SQL(", ").join(
                    SQL("source.%s::%s", SQL.identifier(f"c{index}"), types[index])
                    if index in varying
                    else SQL("%s::%s", values[0][index], types[index])
                    for index in range(len(columns))
                ),
                values=values_sql(
                    "(" + ", ".join(["%s"] * len(varying)) + ")",
                    [[row[index] for index in varying] for row in values],
                ),
                names=SQL(", ").join(SQL.identifier(f"c{index}") for index in varying),
            ),
            # A conflict with a concurrent transaction is the caller's to
            # handle (and Odoo's to retry), not an error to log.
            log_exceptions=False,
        )
        ids.extend(row[0] for row in cr.fetchall())
    return ids


def bulk_update(model, columns, values_by_id):
    """UPDATE rows of ``model`` with row-specific values, a few thousand per
    statement.

    :param values_by_id: {id: tuple of the ``columns``' values}
    """
    cr, now = model.env.cr, audit_now()
    row_template = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    for chunk in split_every(CHUNK, values_by_id.items(), list):
        cr.execute(
            SQL(
                """
                UPDATE %(table)s AS target
                   SET %(assignments)s, write_date = %(now)s, write_uid = %(uid)s
                  FROM (VALUES %(values)s) AS source(id, %(columns)s)
                 WHERE target.id = source.id
                """,
                table=SQL.identifier(model._table),
                assignments=SQL(", ").join(
                    SQL("%s = source.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in columns
                ),
                now=now,
                uid=model.env.uid,
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                values=values_sql(
                    row_template,
                    [(record_id, *values) for record_id, values in chunk],
                ),
            ),
            log_exceptions=False,
        )


def lock_rows(records):
    """Lock the rows of ``records`` until the end of the transaction, in id
    order (no deadlock between two lockers); a row a concurrent transaction
    changed meanwhile is a serialization failure, not an error to log."""
    if records:
        records.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                SQL.identifier(records._table),
                records.ids,
            ),
            log_exceptions=False,
        )


def apply_isolated(cr, apply, items):
    """Call ``apply`` on the list ``items``; the items that conflict with a
    concurrent transaction are rolled back alone (halving the list until they
    are found) and returned, the others applied."""
    if not items:
        return []
    try:
        with cr.savepoint():
            apply(items)
    except CONCURRENCY_ERRORS:
        if len(items) == 1:
            return items
        half = len(items) // 2
        return apply_isolated(cr, apply, items[:half]) + apply_isolated(
            cr, apply, items[half:]
        )
    return []


def try_transaction_lock(cr, namespace, key, shared=False, wait=None):
    """Take the advisory lock (``namespace``, ``key``) until the end of the
    transaction, if no other transaction holds it (``shared``: if none holds it
    exclusively, any number may share it); with ``wait`` (a PostgreSQL
    interval, such as ``"10s"``), once they let it go within that time. Whether
    it was taken."""
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    if shared:
        function += "_shared"
    query = SQL("SELECT %s(%s, %s)", SQL(function), namespace, key)
    if not wait:
        cr.execute(query)
        return cr.fetchone()[0]
    try:
        with cr.savepoint(flush=False), pg_settings(cr, lock_timeout=wait):
            cr.execute(query)
    except psycopg2.errors.LockNotAvailable:
        return False
    return True


@contextmanager
def pg_settings(cr, **settings):
    """PostgreSQL settings for the queries of the block only."""
    cr.execute(
        SQL(
            "SELECT %s",
            SQL(", ").join(SQL("current_setting(%s)", name) for name in settings),
        )
    )
    previous = dict(zip(settings, cr.fetchone(), strict=True))

    def set_all(values):
        cr.execute(
            SQL(
                "SELECT %s",
                SQL(", ").join(
                    SQL("set_config(%s, %s, true)", name, value)
                    for name, value in values.items()
                ),
            )
        )

    set_all(settings)
    yield
    # Not on an error: the rollback that follows restores them.
    set_all(previous)
