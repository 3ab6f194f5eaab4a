# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command


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
