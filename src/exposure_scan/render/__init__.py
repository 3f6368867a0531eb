"""Renderers: a Report as text for the terminal (Markdown, HTML and SARIF grow here)."""
