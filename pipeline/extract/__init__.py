"""Pure extraction: cleaned letter text → frozen dataclasses (no I/O)."""
