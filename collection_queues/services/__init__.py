from . import planner
