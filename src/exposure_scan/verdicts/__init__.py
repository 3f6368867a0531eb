"""Verdicts: what a scan concludes about a dataset (exposure, absence, severity) and why."""
