from . import test_placement, test_planner
