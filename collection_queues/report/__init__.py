# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import collection_letter_report
from . import collection_report_mixin
from . import collection_collected_report
from . import collection_stay_report
