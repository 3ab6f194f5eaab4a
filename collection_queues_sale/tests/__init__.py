# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_sale_banner
from . import test_sale_tour
from . import test_demo
