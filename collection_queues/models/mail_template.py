# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

LETTER_MODEL = "collection.queue"


class MailTemplate(models.Model):
    """Collection letters belong to a company: what one company sends is
    changed by its own people only. The letters shipped with the application
    are shared by every company, so only administrators change them; a manager
    duplicates one to make it their company's own."""

    _inherit = "mail.template"

    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index="btree_not_null",
        help="Collection letters: the company whose letter this is, seen and "
        "changed by its users only. Empty: shared by every company and changed "
        "by administrators only.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (
                self._collection_model_of(vals) == LETTER_MODEL
                and not vals.get("company_id")
                and not self._collection_may_share()
            ):
                vals["company_id"] = self.env.company.id
        templates = super().create(vals_list)
        templates._collection_check_letter_company()
        return templates

    def write(self, vals):
        self._collection_check_letter_company()
        result = super().write(vals)
        if "company_id" in vals or "model" in vals or "model_id" in vals:
            self._collection_check_letter_company()
        return result

    def unlink(self):
        self._collection_check_letter_company()
        return super().unlink()

    @api.model
    def _collection_model_of(self, vals):
        """The model of the template ``vals`` create (a copy names its model
        by ``model_id`` only)."""
        model_id = vals.get("model_id")
        if isinstance(model_id, int) and not isinstance(model_id, bool):
            return self.env["ir.model"].sudo().browse(model_id).exists().model
        return vals.get("model") or self.env.context.get("default_model")

    def _collection_may_share(self):
        return self.env.su or self.env.user._is_system()

    def _collection_check_letter_company(self):
        """Letters of a company only for its users; shared letters only for
        administrators."""
        letters = self.filtered(lambda template: template.model == LETTER_MODEL)
        if not letters or self.env.su:
            return
        if not self._collection_may_share() and letters.filtered(
            lambda template: not template.company_id
        ):
            raise AccessError(
                self.env._(
                    "The collection letters shared by every company are changed by "
                    "administrators only: duplicate the letter to make your "
                    "company's own."
                )
            )
        foreign = letters.company_id - self.env.user.company_ids
        if foreign:
            raise AccessError(
                self.env._(
                    "These collection letters belong to %(companies)s, which you do "
                    "not work in.",
                    companies=", ".join(foreign.mapped("name")),
                )
            )
