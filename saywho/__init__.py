"""Saywho: annotate who said what, and under what condition, in news text.

``__version__`` is the one place the version is written: pyproject.toml reads it
(``[tool.setuptools.dynamic]``), ``saywho --version`` prints it, the bundle and the
AppStream release carry it. ``python -m saywho`` runs the program like ``saywho``.
"""

__version__ = "0.1.0"
