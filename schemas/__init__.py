"""Declarations of the dataset: pandera table models and the CSV vocabularies they check against."""
