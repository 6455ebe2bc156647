"""Pipeline benchmark on synthetic corpora: throughput, memory, floors, linearity, rebuilds, queries.

    python -m bench.bench                 # 10k + 100k text letters, 2k PDFs (make bench)
    python -m bench.bench --quick         # 2k + 10k text letters, 200 PDFs
    python -m bench.bench --sizes 5000 --pdfs 0 --profile 5000

Corpora come from synth.corpus and are cached under ROOT/<kind>-<n>-s<seed>/raw, so reruns only
rebuild. Each build runs as a child `imr build --jobs <cores>` process: wall time, the peak summed
RSS and PSS of its process tree (sampled from /proc) and the largest single process's RSS (wait4 rusage).

Figures (printed as a table and written to bench/results.json):
- letters/s, items/s, peak RSS per corpus
- floor ratio: build time ÷ the time one process needs to read every file and run one compiled
  regex over its text (the cost no pipeline can avoid); per-core ratio: the same × jobs, i.e. the
  CPU time per letter against the floor's
- PDF ratio: build rate per core ÷ the single-process raw pypdfium2 text-extraction rate
- linearity: time of the largest text corpus ÷ time of the smallest, against the size ratio
- per text corpus, rebuilds of its DATA: with RAW unchanged, and after adding 1 % new letters (an append),
  against the full build
- two DuckDB queries on the largest dataset (overturn rate by drug class; top drugs by year)
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from synth.corpus import generate

ROOT = Path("/tmp/imr-bench")
RESULTS = Path(__file__).with_name("results.json")
FULL = {"sizes": (10_000, 100_000), "pdfs": 2_000}
QUICK = {"sizes": (2_000, 10_000), "pdfs": 200}
TEXT_SEED, PDF_SEED = 0, 1
GEN_CHUNK = 2_000
SAMPLE_SECONDS = 0.2
REBUILD_FRACTION = 0.01
ADDED = "added"          # RAW subdirectory of the letters a rebuild measurement adds
FLOOR_PATTERN = re.compile(r"^(?P<heading>.*?):[ \t]*(?P<outcome>Upheld|Overturned)[ \t]*$", re.M)
QUERIES = {
    "overturn_rate_by_drug_class": """
        SELECT drug_class, count(*) AS items, round(avg((outcome = 'overturned')::INT), 4) AS overturn_rate
        FROM items WHERE drug_class IS NOT NULL GROUP BY drug_class ORDER BY items DESC""",
    "top_drugs_by_decision_year": """
        SELECT decision_year, drug_generic, count(*) AS items
        FROM items WHERE drug_generic IS NOT NULL GROUP BY decision_year, drug_generic
        QUALIFY row_number() OVER (PARTITION BY decision_year ORDER BY count(*) DESC, drug_generic) <= 5
        ORDER BY decision_year NULLS LAST, items DESC""",
}


# ---------------------------------------------------------------- corpora
def _generate_chunk(args: tuple) -> int:
    n, out, seed, pdf_fraction, start = args
    return generate(n, Path(out), seed=seed, pdf_fraction=pdf_fraction, start=start)


def corpus(kind: str, n: int, seed: int, jobs: int, root: Path) -> Path:
    """ROOT/<kind>-<n>-s<seed>/raw with n letters (kind 'txt' or 'pdf'); generated once, in parallel."""
    raw = root / f"{kind}-{n}-s{seed}" / "raw"
    stamp = raw / ".complete"
    if stamp.exists():
        shutil.rmtree(raw / ADDED, ignore_errors=True)   # left by an interrupted rebuild measurement
        return raw
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    fraction = 1.0 if kind == "pdf" else 0.0
    chunks = [(min(GEN_CHUNK, n - s), str(raw), seed, fraction, s) for s in range(0, n, GEN_CHUNK)]
    t = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        written = sum(pool.imap_unordered(_generate_chunk, chunks))
    print(f"  generated {written} {kind} letters in {time.perf_counter() - t:.1f}s -> {raw}", flush=True)
    stamp.write_text(json.dumps({"n": n, "seed": seed, "kind": kind}) + "\n")
    return raw


def letter_files(raw: Path) -> list[Path]:
    return sorted(p for p in raw.iterdir() if p.suffix in (".txt", ".pdf"))


# ---------------------------------------------------------------- one measured build
def _memory_of_tree(root_pid: int, page: int) -> tuple[int, int]:
    """(summed resident bytes, summed proportional-set bytes) of root_pid and its descendants, from /proc.

    RSS counts a page shared by several processes (forked workers share their imported modules
    with the server they were forked from) once per process; PSS divides it among them.
    """
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    rss = pss = 0
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                rss += int(fh.read().split()[1]) * page
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                pss += next(int(line.split()[1]) * 1024 for line in fh if line.startswith(b"Pss:"))
        except (OSError, StopIteration):
            continue
    return rss, pss


def measured_build(raw: Path, data: Path, jobs: int, fresh: bool = True) -> dict:
    """Run `imr build` as a child; wall time, peak summed tree RSS, largest process RSS, manifest counts."""
    if fresh:
        shutil.rmtree(data, ignore_errors=True)
    imr = Path(sys.executable).with_name("imr")
    cmd = [str(imr), "build", "--raw", str(raw), "--data", str(data), "--jobs", str(jobs)]
    page = os.sysconf("SC_PAGE_SIZE")
    peak = peak_pss = 0
    t = time.perf_counter()
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors)
    done = threading.Event()

    def sample():
        nonlocal peak, peak_pss
        while not done.is_set():
            rss, pss = _memory_of_tree(proc.pid, page)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        errors.seek(0)
        raise SystemExit(f"imr build failed on {raw}:\n{errors.read().decode(errors='replace')}")
    errors.close()
    counts = json.loads((data / "parquet" / "manifest.json").read_text())["counts"]
    return {"seconds": round(seconds, 2), "letters": counts["letters"], "items": counts["items"],
            "rejects": counts["rejects"], "letters_per_s": round(counts["letters"] / seconds, 1),
            "letters_per_s_per_core": round(counts["letters"] / seconds / jobs, 1),
            "items_per_s": round(counts["items"] / seconds, 1), "peak_tree_rss_mb": round(peak / 2**20, 1),
            "peak_tree_pss_mb": round(peak_pss / 2**20, 1),
            "max_process_rss_mb": round(usage.ru_maxrss / 1024, 1)}


# ---------------------------------------------------------------- floors
def text_floor(files: list[Path]) -> float:
    """Seconds for one process to read every file, decode it and run one compiled regex over it."""
    t = time.perf_counter()
    hits = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        hits += sum(1 for _ in FLOOR_PATTERN.finditer(text))
    seconds = time.perf_counter() - t
    assert hits, "the floor regex found nothing: wrong corpus?"
    return seconds


def pdf_floor(files: list[Path]) -> float:
    """Seconds for one process to extract the text of every PDF with pypdfium2 (no other work)."""
    import pypdfium2 as pdfium

    t = time.perf_counter()
    for path in files:
        pdf = pdfium.PdfDocument(path.read_bytes())
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        pdf.close()
    return time.perf_counter() - t


# ---------------------------------------------------------------- rebuild and queries
def rebuild(raw: Path, data: Path, n: int, seed: int, jobs: int, full_s: float) -> dict:
    """Rebuild DATA (a full build of raw) twice: unchanged, then after adding REBUILD_FRACTION new letters
    (written to raw/added/, removed afterwards)."""
    unchanged = measured_build(raw, data, jobs, fresh=False)
    added = max(1, round(n * REBUILD_FRACTION))
    extra = raw / ADDED
    shutil.rmtree(extra, ignore_errors=True)
    generate(added, extra, seed=seed, start=n)
    try:
        again = measured_build(raw, data, jobs, fresh=False)
    finally:
        shutil.rmtree(extra, ignore_errors=True)
    return {"base_letters": n, "added_letters": added, "full_build_s": full_s,
            "unchanged_rebuild_s": unchanged["seconds"], "rebuild_s": again["seconds"],
            "rebuild_over_full": round(again["seconds"] / full_s, 3),
            "rebuild_peak_tree_rss_mb": again["peak_tree_rss_mb"]}


def query_timings(data: Path) -> dict:
    import duckdb

    out = {}
    for name, sql in QUERIES.items():
        t = time.perf_counter()
        con = duckdb.connect(str(data / "imr.duckdb"), read_only=True)
        rows = con.execute(sql).fetchall()
        cold = time.perf_counter() - t
        warm = []
        for _ in range(3):
            t = time.perf_counter()
            con.execute(sql).fetchall()
            warm.append(time.perf_counter() - t)
        con.close()
        out[name] = {"cold_ms": round(cold * 1000, 1), "warm_ms": round(min(warm) * 1000, 1), "rows": len(rows),
                     "first_rows": [list(map(str, r)) for r in rows[:3]]}
    return out


# ---------------------------------------------------------------- profile
def profile(raw: Path, n: int, top: int = 15) -> dict:
    """cProfile of one process running pipeline.batch.process_batch over n letters (batches as a build makes)."""
    from pipeline.batch import process_batch
    from pipeline.build import batch_size_for

    files = [p.name for p in letter_files(raw)[:n]]
    size = batch_size_for(len(files))
    prof = cProfile.Profile()
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        prof.enable()
        for k in range(0, len(files), size):
            process_batch(files[k:k + size], str(raw), out, f"{k:05d}")
        prof.disable()
    seconds = time.perf_counter() - t
    out: dict = {"letters": len(files), "seconds": round(seconds, 2)}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(top)
        text = buf.getvalue()
        out[key] = text[text.find("   ncalls"):].rstrip()
    return out


# ---------------------------------------------------------------- report
def table(results: dict) -> str:
    rows = [("corpus", "letters", "items", "seconds", "letters/s", "l/s/core", "items/s", "tree RSS MB", "tree PSS MB",
             "max proc MB", "floor s", "floor ratio", "per-core ratio")]
    for name, r in results["builds"].items():
        rows.append((name, r["letters"], r["items"], r["seconds"], r["letters_per_s"], r["letters_per_s_per_core"],
                     r["items_per_s"], r["peak_tree_rss_mb"], r["peak_tree_pss_mb"], r["max_process_rss_mb"], r.get("floor_s", ""),
                     r.get("floor_ratio", ""), r.get("per_core_floor_ratio", "")))
    widths = [max(len(str(row[k])) for row in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(str(v).rjust(w) for v, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    extra = []
    if "pdf" in results:
        p = results["pdf"]
        extra.append(f"PDF: build {p['build_letters_per_s_per_core']} letters/s/core vs raw pypdfium2 "
                     f"{p['raw_pdfium_letters_per_s']} letters/s (1 process) -> PDF ratio {p['pdf_ratio']}")
    if "linearity" in results:
        lin = results["linearity"]
        extra.append(f"linearity: {lin['large']} / {lin['small']} letters: time ratio {lin['time_ratio']} "
                     f"for a size ratio of {lin['size_ratio']} (per-letter cost x{lin['per_letter_ratio']})")
    for r in results.get("rebuilds", {}).values():
        extra.append(f"rebuild of {r['base_letters']} letters: unchanged {r['unchanged_rebuild_s']}s; after "
                     f"+{r['added_letters']} letters {r['rebuild_s']}s vs full build {r['full_build_s']}s "
                     f"(x{r['rebuild_over_full']})")
    for name, q in results.get("queries", {}).items():
        extra.append(f"query {name}: cold {q['cold_ms']} ms, warm {q['warm_ms']} ms, {q['rows']} rows")
    return "\n".join(lines + [""] + extra)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2k + 10k text letters and 200 PDFs")
    ap.add_argument("--sizes", type=lambda s: tuple(int(x) for x in s.split(",") if x), default=None,
                    help="text corpus sizes, comma-separated (default 10000,100000)")
    ap.add_argument("--pdfs", type=int, default=None, help="size of the PDF corpus, 0 for none (default 2000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes per build (default: cores)")
    ap.add_argument("--root", type=Path, default=ROOT, help="where corpora and datasets live")
    ap.add_argument("--no-rebuild", action="store_true", help="skip the 1 %% rebuild measurement")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also cProfile the extraction of N letters")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results JSON")
    a = ap.parse_args(argv)
    preset = QUICK if a.quick else FULL
    sizes = tuple(sorted(a.sizes or preset["sizes"]))
    pdfs = preset["pdfs"] if a.pdfs is None else a.pdfs
    results: dict = {"machine": {"cores": os.cpu_count(), "jobs": a.jobs, "python": platform.python_version(),
                                 "platform": platform.platform()},
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "builds": {}}
    print(f"imr bench: text corpora {sizes}, {pdfs} PDFs, jobs={a.jobs}, root={a.root}", flush=True)

    raws = {n: corpus("txt", n, TEXT_SEED, a.jobs, a.root) for n in sizes}
    pdf_raw = corpus("pdf", pdfs, PDF_SEED, a.jobs, a.root) if pdfs else None

    for n, raw in raws.items():
        print(f"  building {n} text letters ...", flush=True)
        r = measured_build(raw, raw.parent / "data", a.jobs)
        floor = text_floor(letter_files(raw))
        r["floor_s"] = round(floor, 2)
        r["floor_ratio"] = round(r["seconds"] / floor, 1)
        r["per_core_floor_ratio"] = round(r["seconds"] * a.jobs / floor, 1)   # CPU-seconds per letter vs the floor's
        results["builds"][f"txt-{n}"] = r
        if not a.no_rebuild:
            print(f"  rebuilding {n}: unchanged, then +{REBUILD_FRACTION:.0%} ...", flush=True)
            results.setdefault("rebuilds", {})[f"txt-{n}"] = rebuild(raw, raw.parent / "data", n, TEXT_SEED, a.jobs,
                                                                     r["seconds"])
    if pdf_raw is not None:
        print(f"  building {pdfs} PDFs ...", flush=True)
        r = measured_build(pdf_raw, pdf_raw.parent / "data", a.jobs)
        raw_s = pdf_floor(letter_files(pdf_raw))
        r["floor_s"] = round(raw_s, 2)
        r["floor_ratio"] = round(r["seconds"] / raw_s, 1)
        r["per_core_floor_ratio"] = round(r["seconds"] * a.jobs / raw_s, 1)
        results["builds"][f"pdf-{pdfs}"] = r
        per_core = r["letters_per_s"] / a.jobs
        raw_rate = pdfs / raw_s
        results["pdf"] = {"build_letters_per_s_per_core": round(per_core, 1), "raw_pdfium_letters_per_s": round(raw_rate, 1),
                          "pdf_ratio": round(per_core / raw_rate, 3)}
    if len(sizes) > 1:
        small, large = results["builds"][f"txt-{sizes[0]}"], results["builds"][f"txt-{sizes[-1]}"]
        time_ratio = large["seconds"] / small["seconds"]
        results["linearity"] = {"small": sizes[0], "large": sizes[-1], "size_ratio": round(sizes[-1] / sizes[0], 2),
                                "time_ratio": round(time_ratio, 2),
                                "per_letter_ratio": round(time_ratio / (sizes[-1] / sizes[0]), 3)}
    largest = raws[sizes[-1]].parent / "data"
    results["queries"] = query_timings(largest)
    results["queries_on"] = f"txt-{sizes[-1]}"
    if a.profile:
        print(f"  profiling the extraction of {a.profile} letters in one process ...", flush=True)
        results["profile"] = profile(raws[sizes[-1]], a.profile)
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    a.out.write_text(json.dumps(results, indent=1) + "\n")
    print()
    print(table(results))
    if a.profile:
        p = results["profile"]
        print(f"\nprofile: {p['letters']} letters in {p['seconds']}s (one process, under cProfile)")
        print("top by cumulative time:\n" + p["cumulative"])
        print("top by own time:\n" + p["tottime"])
    print(f"\nresults written to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
