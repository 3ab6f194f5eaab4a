# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import collection_banner_mixin
from . import collection_status
from . import collection_activity_type
from . import collection_profile
from . import collection_queue
from . import collection_promise
from . import collection_activity
from . import collection_refresh_request
from . import collection_sequencer
from . import res_company
from . import res_config_settings
from . import res_partner
from . import account_move
from . import account_partial_reconcile
from . import collection_queue_letter
from . import collection_kpi
from . import collection_kpi_dashboard
