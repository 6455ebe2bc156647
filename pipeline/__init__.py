"""imr-dataset: California IMR final-determination letters → item-level Parquet + DuckDB."""

__version__ = "0.1.0"
# Bump when extraction output can change: the extract cache is keyed by it.
EXTRACTOR_VERSION = "2026.11.25-2"
