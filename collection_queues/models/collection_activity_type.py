# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from . import collection_arguments as arguments

# Fields that make a system type what it is: the refresh and the manual actions
# find system types by code, and their history lines are read by name.
PROTECTED_FIELDS = {"name", "code", "is_system", "active"}


class CollectionActivityType(models.Model):
    _name = "collection.activity.type"
    _description = "Collection Activity Type"
    _order = "is_system desc, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    is_system = fields.Boolean(
        readonly=True,
        help="Logged by the application itself; cannot be renamed or deleted.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Another activity type already has this code."),
    ]

    @api.model
    def _get_system(self, code):
        """The system activity type with this code."""
        activity_type = (
            self.sudo().with_context(active_test=False).search([("code", "=", code)])
        )
        if not activity_type.is_system:
            raise UserError(
                self.env._("The system activity type %(code)s is missing.", code=code)
            )
        return activity_type

    def _loading_data(self):
        """Only the module's own data files create and update system types: they
        load as the superuser. A caller's context alone grants nothing (imports
        and RPC clients can set ``install_mode`` too)."""
        return self.env.su and bool(self.env.context.get("install_mode"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            arguments.values_arg(self.env, vals)
        if not self._loading_data() and any(
            vals.get("is_system") for vals in vals_list
        ):
            raise UserError(self.env._("System activity types cannot be created."))
        return super().create(vals_list)

    def write(self, vals):
        if not self._loading_data() and "is_system" in vals:
            raise UserError(
                self.env._("Whether an activity type is a system one cannot change.")
            )
        if (
            not self._loading_data()
            and PROTECTED_FIELDS.intersection(vals)
            and any(activity_type.is_system for activity_type in self)
        ):
            raise UserError(
                self.env._(
                    "System activity types (%(names)s) cannot be renamed or archived.",
                    names=", ".join(self.filtered("is_system").mapped("name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_system(self):
        if self.filtered("is_system"):
            raise UserError(self.env._("System activity types cannot be deleted."))
        if (
            self.env["collection.activity"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("activity_type_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._(
                    "This activity type is used in the collection history: "
                    "archive it instead of deleting it."
                )
            )
