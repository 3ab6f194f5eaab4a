# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import closing

import psycopg2

from odoo import Command
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

# The customers' collection records, in an order their foreign keys allow.
CUSTOMER_RECORD_MODELS = (
    "collection.dispute",
    "collection.activity",
    "collection.promise",
    "collection.queue",
    "collection.refresh.request",
)


def post_init_hook(env):
    """The accounting managers of the day the addon is installed run collections,
    and every company starts with the friendly reminder as its default letter.

    Only on that day: no group implies Collections Manager, because Odoo's default
    user template makes every new user an accounting (Invoicing) administrator.
    """
    reminder = env.ref("collection_queues.mail_template_collection_friendly_reminder")
    env["res.company"].sudo().with_context(active_test=False).search(
        [("collection_letter_template_id", "=", False)]
    ).collection_letter_template_id = reminder
    managers = env.ref("account.group_account_manager").sudo().users
    env.ref("collection_queues.group_collection_manager").sudo().write(
        {"users": [Command.link(user.id) for user in managers]}
    )


def uninstall_hook(env):
    """Uninstalling drops the addon's tables, and the customers' collection
    records with them. They go first: they refer to the profiles, activity
    types and dispute reasons of the data files with restricting foreign keys, so Odoo could delete
    none of those, and would look for them again once their tables are dropped,
    logging errors."""
    env.flush_all()
    for model_name in CUSTOMER_RECORD_MODELS:
        env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(env[model_name]._table)))
    env.invalidate_all()


def refuse_if_in_use(records):
    """While the addon is being uninstalled, refuse to delete ``records`` when
    the database would: some row of another table still refers to them.

    Uninstalling deletes the records the addon's data files created. Those that
    accounting still uses (such as the demo's customers and branches, with
    their invoices and payments) stay, with their external ids, as Odoo keeps
    posted invoices. The database would refuse their DELETE, which Odoo logs as
    an error: they are refused beforehand instead, quietly, so that the log of
    an uninstall shows only what really went wrong.
    """
    env = records.env
    if not env.context.get(MODULE_UNINSTALL_FLAG) or not env[
        "ir.module.module"
    ].sudo().search_count(
        [("name", "=", "collection_queues"), ("state", "=", "to remove")], limit=1
    ):
        return
    env.flush_all()
    in_use = False
    # A trial DELETE, always undone: it fails exactly as the real one would.
    with closing(env.cr.savepoint(flush=False)):
        try:
            env.cr.execute(
                SQL(
                    "DELETE FROM %s WHERE id = ANY(%s)",
                    SQL.identifier(records._table),
                    records.ids,
                ),
                log_exceptions=False,
            )
        except psycopg2.IntegrityError:
            in_use = True
    if in_use:
        raise UserError(
            env._(
                "%(records)s are still in use and stay.",
                records=", ".join(records.mapped("display_name")),
            )
        )
