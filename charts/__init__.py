"""Progress and agreement charts drawn as PNG files (matplotlib, no Qt)."""
