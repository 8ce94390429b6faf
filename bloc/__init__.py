"""bloc: direct participatory democracy for residential communities."""

__version__ = "0.1.0"
