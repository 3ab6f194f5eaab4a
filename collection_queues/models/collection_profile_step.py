# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from . import collection_arguments as arguments
from .collection_profile import MAX_DAYS

STEP_ACTIONS = [
    ("email", "E-mail the Letter"),
    ("print", "Letter to Print"),
    ("todo", "To-Do for the Collector"),
    ("status", "Set the Status"),
]
# The steps that write to the customer: the quiet days keep them apart.
CONTACT_ACTIONS = ("email", "print")


class CollectionProfileStep(models.Model):
    """One automatic step of a queue: what runs by itself, once per customer,
    so many days after the customer entered the queue."""

    _name = "collection.profile.step"
    _description = "Collection Queue Automatic Step"
    _order = "profile_id, day, sequence, id"

    profile_id = fields.Many2one(
        "collection.profile",
        string="Queue",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="profile_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    day = fields.Integer(
        required=True,
        default=0,
        help="Days since the customer entered this queue; 0 is the day of entry.",
    )
    action = fields.Selection(STEP_ACTIONS, required=True, default="email")
    template_id = fields.Many2one(
        "mail.template",
        string="Letter",
        compute="_compute_template_id",
        store=True,
        readonly=False,
        ondelete="set null",
        domain="[('model', '=', 'collection.queue'), "
        "('company_id', 'in', [company_id, False])]",
        help="The letter e-mailed or printed. Empty: the queue's letter, else the "
        "company's default letter.",
    )
    status_id = fields.Many2one(
        "collection.status", string="New Status", ondelete="restrict"
    )
    note = fields.Text(
        string="Instructions",
        translate=True,
        help="For a To-Do: what the collector should do, or the call script.",
    )
    active = fields.Boolean(default=True)

    @api.depends("profile_id", "action")
    def _compute_template_id(self):
        for step in self:
            if step.action not in CONTACT_ACTIONS:
                step.template_id = False
            elif not step.template_id:
                step.template_id = step.profile_id.letter_template_id

    @api.constrains("day", "action", "status_id", "template_id", "profile_id")
    def _check_step(self):
        for step in self:
            if not 0 <= step.day <= MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "%(step)s: the day of a step lies between 0 and %(max)s.",
                        step=step.name,
                        max=MAX_DAYS,
                    )
                )
            if step.action == "status" and not step.status_id:
                raise ValidationError(
                    self.env._(
                        "%(step)s: a status step needs the status it sets.",
                        step=step.name,
                    )
                )
            template = step.template_id.sudo()
            if template and (
                template.model != "collection.queue"
                or (template.company_id and template.company_id != step.company_id)
            ):
                raise ValidationError(
                    self.env._(
                        "%(step)s: %(template)s is not a collection letter of "
                        "%(company)s.",
                        step=step.name,
                        template=template.name,
                        company=step.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_values(vals)
        if "profile_id" in vals and any(
            step.profile_id.id != vals["profile_id"] for step in self
        ):
            raise UserError(
                self.env._("A step belongs to its queue: create one in the other.")
            )
        return super().write(vals)

    @api.model
    def _check_values(self, vals):
        """The values as RPC callers and imports may send them."""
        arguments.values_arg(self.env, vals)
        if "name" in vals and (
            not isinstance(vals["name"], str) or not vals["name"].strip()
        ):
            raise UserError(self.env._("An automatic step needs a name."))
        if "day" in vals:
            arguments.count_arg(
                self.env,
                vals["day"],
                self._fields["day"].get_description(self.env)["string"],
                MAX_DAYS,
            )
