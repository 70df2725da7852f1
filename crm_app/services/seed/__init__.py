"""Seeds: the deterministic demo business and a large synthetic data set for load tests.

Services only; nothing here imports reflex.
"""

from .catalog import DEMO_PASSWORD
from .demo import load_demo_if_empty, seed_demo
from .large import seed_large

__all__ = ["DEMO_PASSWORD", "load_demo_if_empty", "seed_demo", "seed_large"]
