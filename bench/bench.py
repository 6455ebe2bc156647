"""Pipeline benchmark on synthetic and real-letter corpora: throughput, memory, floors, linearity,
rebuilds, queries, and the goals of project issue 13 (PASS/FAIL).

    python -m bench.bench                 # 10k + 100k text letters, 20k real-letter copies, 2k PDF copies (make bench)
    python -m bench.bench --quick         # 2k + 10k text letters, 2k real-letter copies, 200 PDF copies
    python -m bench.bench --sizes 5000 --real 0 --pdfs 0 --profile 5000
    python -m bench.bench --repeat 3      # each build (and floor) 3 times: the medians count, memory the largest

Synthetic corpora come from synth.corpus, cached under ROOT/<kind>-<n>-s<seed>/raw and written again
when the generator's files change (bench.corpora). Real-letter corpora are copies of the dev letters in
../shared/letters (never in the repository; skipped, with a note, when ../shared is absent), each copy a
letter of its own (bench.copies): ROOT/real-txt-<n> (case numbers rewritten) and ROOT/real-pdf-<n>
(a 'Copy <i>' line stamped on the last page by an incremental update: a text of its own, the same
case number); without ../shared the PDF
corpus is synthetic. So reruns only rebuild. Each build runs as a child `imr build --jobs <cores>`
process: wall time, the peak summed RSS and PSS of its process tree (sampled from /proc) and the
largest single process's RSS (wait4 rusage).

Figures (printed as a table and written to bench/results.json):
- letters/s, items/s, peak RSS per corpus
- floor ratio: build time ÷ the time one process needs to read every file and run one compiled
  regex over its text (the cost no pipeline can avoid); per-core ratio: the same × jobs, i.e. the
  CPU time per letter against the floor's. Build and floor both start with the files in the page cache
  (each file is read once, untimed, before the build): the figures are CPU, not disk
- PDF ratio: build rate per core ÷ the single-process raw pypdfium2 text-extraction rate, on the same
  files, in files/s: each PDF copy is read and extracted in full, but copies of one dev PDF share its case
  number, so the build keeps one letter per dev PDF and rejects the rest as duplicates afterwards
- linearity: time of the largest text corpus ÷ time of the smallest, against the size ratio
- per synthetic text corpus, rebuilds of its DATA: with RAW unchanged, and after adding 1 % new letters (an append),
  against the full build
- two DuckDB queries on the largest dataset (overturn rate by drug class; top drugs by year)
- goals (bench.goals), each on the largest corpus of its kind, PASS or FAIL
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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.corpora import ADDED, cached, generator_fingerprint, real_copies
from bench.goals import evaluate
from synth.corpus import generate

ROOT = Path("/tmp/imr-bench")
RESULTS = Path(__file__).with_name("results.json")
DEV_LETTERS = Path(__file__).resolve().parents[2] / "shared" / "letters"   # ../shared, as the tests find it
FULL = {"sizes": (10_000, 100_000), "pdfs": 2_000, "real": 20_000}
QUICK = {"sizes": (2_000, 10_000), "pdfs": 200, "real": 2_000}
TEXT_SEED, PDF_SEED = 0, 1
GEN_CHUNK = 2_000
SAMPLE_SECONDS = 0.2
MEMORY_FIGURES = ("peak_tree_rss_mb", "peak_tree_pss_mb", "max_process_rss_mb")
REBUILD_FRACTION = 0.01
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


def corpus(kind: str, n: int, seed: int, jobs: int, root: Path, fingerprint: str) -> Path:
    """ROOT/<kind>-<n>-s<seed>/raw with n letters (kind 'txt' or 'pdf'), generated in parallel; kept while
    the generator's fingerprint stays the same."""
    fraction = 1.0 if kind == "pdf" else 0.0

    def write(raw: Path) -> int:
        chunks = [(min(GEN_CHUNK, n - s), str(raw), seed, fraction, s) for s in range(0, n, GEN_CHUNK)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return sum(pool.imap_unordered(_generate_chunk, chunks))

    key = {"kind": kind, "n": n, "seed": seed, "generator": fingerprint}
    return cached(root / f"{kind}-{n}-s{seed}" / "raw", key, write)


def dev_letters(suffix: str) -> list[Path]:
    """The dev letters of ../shared/letters/dev-<suffix> (empty when ../shared is absent)."""
    folder = DEV_LETTERS / f"dev-{suffix}"
    return sorted(folder.glob(f"*.{suffix}")) if folder.is_dir() else []


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
def columns(rows: list[tuple]) -> list[str]:
    """Rows as right-aligned columns, a rule under the first (the header)."""
    widths = [max(len(str(row[k])) for row in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(str(v).rjust(w) for v, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def table(results: dict) -> str:
    rows = [("corpus", "letters", "items", "seconds", "letters/s", "l/s/core", "items/s", "tree RSS MB", "tree PSS MB",
             "max proc MB", "floor s", "floor ratio", "per-core ratio")]
    for name, r in results["builds"].items():
        rows.append((name, r["letters"], r["items"], r["seconds"], r["letters_per_s"], r["letters_per_s_per_core"],
                     r["items_per_s"], r["peak_tree_rss_mb"], r["peak_tree_pss_mb"], r["max_process_rss_mb"], r.get("floor_s", ""),
                     r.get("floor_ratio", ""), r.get("per_core_floor_ratio", "")))
    extra = []
    if "pdf" in results:
        p = results["pdf"]
        extra.append(f"PDF ({p['corpus']}): build {p['build_files_per_s_per_core']} files/s/core vs raw pypdfium2 "
                     f"{p['raw_pdfium_letters_per_s']} files/s (1 process) -> PDF ratio {p['pdf_ratio']}")
    if "linearity" in results:
        lin = results["linearity"]
        extra.append(f"linearity: {lin['large']} / {lin['small']} letters: time ratio {lin['time_ratio']} "
                     f"for a size ratio of {lin['size_ratio']} (per-letter cost x{lin['per_letter_ratio']})")
    extra.extend(f"runs of {name}: {', '.join(f'{x}s' for x in r['seconds_runs'])} (the median counts)"
                 for name, r in results["builds"].items() if "seconds_runs" in r)
    for r in results.get("rebuilds", {}).values():
        extra.append(f"rebuild of {r['base_letters']} letters: unchanged {r['unchanged_rebuild_s']}s; after "
                     f"+{r['added_letters']} letters {r['rebuild_s']}s vs full build {r['full_build_s']}s "
                     f"(x{r['rebuild_over_full']})")
    for name, q in results.get("queries", {}).items():
        extra.append(f"query {name}: cold {q['cold_ms']} ms, warm {q['warm_ms']} ms, {q['rows']} rows")
    extra.extend(results.get("notes", []))
    goals = [("goal", "corpus", "value", "target", "status", "note")]
    goals.extend((g["goal"], g["corpus"], "" if g["value"] is None else g["value"], g["target"], g["status"], g["note"])
                 for g in results.get("goals", []))
    return "\n".join(columns(rows) + [""] + extra + ["", "goals:"] + columns(goals))


def median_run(runs: list[dict]) -> dict:
    """The run of median `seconds` (of an even number, the slower of the middle two), with the largest
    memory figures of all the runs."""
    r = dict(sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2])
    r.update({key: max(run[key] for run in runs) for key in MEMORY_FIGURES})
    if len(runs) > 1:
        r["seconds_runs"] = [run["seconds"] for run in runs]
    return r


def cache_files(files: list[Path]) -> None:
    """Read every file once, untimed: the build then starts from the page cache, as its floor (run after it) does.
    Without it the build alone pays the disk: a 100k corpus written or read long before is not cached any more
    (seen here: 72 s for a build that takes 34 s from the cache)."""
    for path in files:
        path.read_bytes()


def floored_build(raw: Path, kind: str, jobs: int, repeat: int = 1) -> dict:
    """A measured build of raw (into raw/../data) with its floor (read + regex, or bare pypdfium2 for PDFs)
    and the ratios to it; for PDFs also the PDF ratio (build rate per core ÷ the bare extraction rate).
    With repeat > 1 the build and its floor run that many times, alternating, and the medians count: on a
    shared machine one run can be 30 % off the next."""
    files = letter_files(raw)
    floor_of = pdf_floor if kind.endswith("pdf") else text_floor
    runs, floors = [], []
    for _ in range(repeat):
        cache_files(files)
        runs.append(measured_build(raw, raw.parent / "data", jobs))
        floors.append(floor_of(files))
    r = median_run(runs)
    floor = statistics.median(floors)
    r.update(kind=kind, floor_s=round(floor, 2), floor_ratio=round(r["seconds"] / floor, 1),
             per_core_floor_ratio=round(r["seconds"] * jobs / floor, 1))   # CPU-seconds per letter vs the floor's
    if kind.endswith("pdf"):      # by files: copies of one dev PDF share its case number (bench.copies)
        r["files_per_s_per_core"] = round(len(files) / r["seconds"] / jobs, 1)
        r["raw_pdfium_letters_per_s"] = round(len(files) / floor, 1)
        r["pdf_ratio"] = round(r["files_per_s_per_core"] / r["raw_pdfium_letters_per_s"], 3)
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2k + 10k text letters, 2k real-letter copies, 200 PDFs")
    ap.add_argument("--sizes", type=lambda s: tuple(int(x) for x in s.split(",") if x), default=None,
                    help="text corpus sizes, comma-separated (default 10000,100000)")
    ap.add_argument("--real", type=int, default=None,
                    help="copies of the real dev text letters, 0 for none (default 20000)")
    ap.add_argument("--pdfs", type=int, default=None,
                    help="copies of the real dev PDFs (synthetic PDFs without ../shared), 0 for none (default 2000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes per build (default: cores)")
    ap.add_argument("--root", type=Path, default=ROOT, help="where corpora and datasets live")
    ap.add_argument("--no-rebuild", action="store_true", help="skip the 1 %% rebuild measurement")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="build each corpus N times (and its floor): medians of time, the largest memory")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also cProfile the extraction of N letters")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results JSON")
    a = ap.parse_args(argv)
    preset = QUICK if a.quick else FULL
    sizes = tuple(sorted(a.sizes or preset["sizes"]))
    pdfs = preset["pdfs"] if a.pdfs is None else a.pdfs
    real = preset["real"] if a.real is None else a.real
    results: dict = {"machine": {"cores": os.cpu_count(), "jobs": a.jobs, "python": platform.python_version(),
                                 "platform": platform.platform()},
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "builds": {}, "notes": []}
    print(f"imr bench: text corpora {sizes}, {real} real-letter copies, {pdfs} PDFs, jobs={a.jobs}, root={a.root}",
          flush=True)

    fingerprint = generator_fingerprint(generate)
    raws = {n: corpus("txt", n, TEXT_SEED, a.jobs, a.root, fingerprint) for n in sizes}
    others: dict[str, Path] = {}          # name -> RAW of the real-copy and PDF corpora
    real_txt, real_pdf = dev_letters("txt"), dev_letters("pdf")
    if real and real_txt:
        others[f"real-txt-{real}"] = real_copies(real_txt, real, a.root, a.jobs)
    elif real:
        results["notes"].append(f"real-letter copies skipped: no dev letters in {DEV_LETTERS / 'dev-txt'}")
    if pdfs and real_pdf:
        others[f"real-pdf-{pdfs}"] = real_copies(real_pdf, pdfs, a.root, a.jobs)
    elif pdfs:
        results["notes"].append(f"no dev PDFs in {DEV_LETTERS / 'dev-pdf'}: the PDF corpus is synthetic")
        others[f"pdf-{pdfs}"] = corpus("pdf", pdfs, PDF_SEED, a.jobs, a.root, fingerprint)
    for note in results["notes"]:
        print(f"  {note}", flush=True)

    for n, raw in raws.items():
        print(f"  building {n} text letters ...", flush=True)
        r = results["builds"][f"txt-{n}"] = floored_build(raw, "txt", a.jobs, a.repeat)
        if not a.no_rebuild:
            print(f"  rebuilding {n}: unchanged, then +{REBUILD_FRACTION:.0%} ...", flush=True)
            results.setdefault("rebuilds", {})[f"txt-{n}"] = rebuild(raw, raw.parent / "data", n, TEXT_SEED, a.jobs,
                                                                     r["seconds"])
    for name, raw in others.items():
        print(f"  building {name} ...", flush=True)
        r = results["builds"][name] = floored_build(raw, name.rpartition("-")[0], a.jobs, a.repeat)
        if "pdf_ratio" in r:
            results["pdf"] = {"corpus": name, "build_files_per_s_per_core": r["files_per_s_per_core"],
                              "raw_pdfium_letters_per_s": r["raw_pdfium_letters_per_s"], "pdf_ratio": r["pdf_ratio"]}
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
    results["goals"] = evaluate(results["builds"])
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
