# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts written for people, free of the ORM."""

import ast

from odoo.addons.base.models.res_lang import intersperse


def amount_writer(lang, digits):
    """A function writing amounts as ``formatLang`` does in the language
    ``lang`` (the data of ``res.lang._get_data``), its settings read once:
    reasons and promises are written by the thousand."""
    grouping = ast.literal_eval(lang.grouping)
    thousands_sep, decimal_point = lang.thousands_sep or "", lang.decimal_point

    def write(value):
        integer, _point, decimals = f"{abs(value):.{digits}f}".partition(".")
        text = intersperse(integer, grouping, thousands_sep)[0]
        if decimals:
            text = f"{text}{decimal_point}{decimals}"
        return f"-{text}" if value < 0 else text

    return write
