"""kgtwin: a knowledge-graph digital twin and reasoning service for pharmacotherapy."""

__version__ = "0.1.0"
__all__ = ["__version__"]
