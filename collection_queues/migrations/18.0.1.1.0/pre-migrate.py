# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Disputes bring the system activity types ``dispute`` and ``dispute_closed``:
an activity type of the same code that managers made themselves keeps its lines
under a code of its own."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE collection_activity_type
           SET code = code || '_logged'
         WHERE code IN ('dispute', 'dispute_closed') AND is_system IS NOT TRUE
        """
    )
