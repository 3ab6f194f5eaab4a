# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import collection_checked_dialog
from . import collection_action_wizard
from . import collection_placement_wizard
from . import collection_log_wizard
from . import collection_assign_wizard
from . import collection_refresh_wizard
from . import collection_refresh_wizard_line
from . import collection_letter_wizard
from . import collection_promise_wizard
from . import base_partner_merge_automatic_wizard
from . import collection_step_preview
from . import collection_dispute_wizard
