"""transition: election-period social media transitions for Ontario council offices."""

__version__ = "0.1.0"
