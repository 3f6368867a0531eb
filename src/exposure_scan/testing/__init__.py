"""Test helpers for users and for this project's own suite: synthetic leaks with known truth.

Importing this package pulls in nothing optional; ``exposure_scan.testing.synthetic`` needs the
``synthetic`` extra (Faker) only when a generator is called.
"""
