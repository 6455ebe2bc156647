"""`imr synth`: write synthetic letters with their labels (the imr group loads this module lazily)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from synth.corpus import generate


@click.command("synth")
@click.option("--n", "n", type=click.IntRange(min=1), required=True, help="Number of letters to write.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output directory: letters, plus gold/ with their labels (GOLD_SPEC format).")
@click.option("--seed", type=int, default=0, show_default=True, help="Letter i is drawn from Random((seed << 32) + i).")
@click.option("--pdf-fraction", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Share of letters written as PDFs (fpdf2, a test extra).")
def synth(n: int, out: Path, seed: int, pdf_fraction: float) -> None:
    """Write N synthetic IMR letters with their ground-truth labels."""
    if pdf_fraction > 0 and importlib.util.find_spec("fpdf") is None:
        raise click.ClickException("--pdf-fraction needs fpdf2 (pip install -e '.[test]')")
    written = generate(n, out, seed=seed, pdf_fraction=pdf_fraction)
    click.echo(f"wrote {written} letters to {out} (labels in {out / 'gold'})")
