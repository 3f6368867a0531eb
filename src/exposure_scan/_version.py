"""Single source of the package version (read by hatchling and by reports)."""

__version__ = "0.1.0"
