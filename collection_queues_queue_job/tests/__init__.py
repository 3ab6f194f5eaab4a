# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_jobs
from . import test_letter_jobs
from . import test_concurrent_jobs
