"""A directory of synthetic letters and their gold labels (GOLD_SPEC format, from what was written)."""
from __future__ import annotations

import json
from pathlib import Path

from synth.letters import build_letter
from synth.pdf import pdf_bytes


def generate(n: int, out: Path, seed: int = 0, pdf_fraction: float = 0.0, start: int = 0) -> int:
    """Write letters start..start+n-1 of `seed` into out/ and their gold labels into out/gold/; returns n."""
    out = Path(out)
    gold_dir = out / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        letter = build_letter(seed, i, pdf_fraction)
        path = out / letter.name
        if letter.name.endswith(".pdf"):
            path.write_bytes(pdf_bytes(letter.lines))
        else:
            path.write_bytes(letter.text.encode("ascii"))
        (gold_dir / f"{path.stem}.json").write_bytes((json.dumps(letter.gold, indent=2) + "\n").encode("ascii"))
    return n
