"""crossborder: digital infrastructure for cross-border e-commerce in ASEAN."""

__version__ = "0.1.0"
