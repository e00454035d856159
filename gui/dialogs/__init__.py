"""Dialogs of the annotation window (each in its own module)."""
