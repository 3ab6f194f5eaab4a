# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import collection_profile
from . import collection_queue
from . import collection_refresh_request
