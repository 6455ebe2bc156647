"""Extraction time grows at most linearly with the input, also on adversarial text.

One pathological file must not stall a build: a pattern with an unbounded lazy span in DOTALL
mode, or nested quantifiers, scans to the end of the text from every place it could start, and a
1 MB letter then takes minutes. For every compiled pattern of pipeline.patterns (found by
introspection, so a new pattern is covered without listing it) and every category rule, inputs are
generated from the pattern itself (hypothesis, derandomized): a full match, its first half and all
but its last character, each repeated with no, a space and a newline separator. The time at
SIZE and at FACTOR × SIZE characters is compared, best of a few runs of CPU time, once for the
pattern alone and once for the whole extraction of a letter frame of each layout with the
repeated text in every section. Tests never assert absolute times: only the ratio, with a wide
margin, and only when the larger run is long enough to time.
"""
from __future__ import annotations

import re
import time
from functools import cache

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import InvalidArgument, Unsatisfiable
from hypothesis import strategies as st

from pipeline.extract import categories
from pipeline import patterns as rx
from pipeline.extract.letter import ExtractError, extract_letter


ALPHABET = "".join(map(chr, range(32, 127))) + "\n"
SIZE = 1_000
FACTOR = 8
MARGIN = 3            # linear is FACTOR×; quadratic would be FACTOR²×
TINY = 0.01           # seconds: below this at FACTOR × SIZE the ratio is noise
SEPARATORS = ("", " ", "\n")
# Runs that stall a pattern whatever it matches: a pattern that enters a run of spaces or digits at each of
# its characters scans the rest of the run from each (STRENGTH_SEPARATOR '\s*%?\s*[/-]' was cubic on spaces).
# Every pattern is timed on them in the fast suite too, where hypothesis' one sample may not be such a run.
RUNS = (" ", "\n", " \n", "0", "1,", "a", "a ", "(", "/", "-", "%", ".")

FRAMES = {
    # 2013 notice: numbered determinations, credentials sentence, case summary, labelled blocks
    "notice_2013": """Notice of Independent Medical Review Determination
Dated: 10/24/2013
Date of UR Decision: 8/30/2013
Date of Injury: 4/2/2012
IMR Application Received: 9/9/2013
MAXIMUS Case Number: CM13-0907723
{x}
1) MAXIMUS Federal Services, Inc. has determined the request for {x} is notmedically necessary and appropriate.
Medical Qualifications of the Expert Reviewer:
The physician reviewer is Board Certified in {x} and is licensed to practice in California.
Case Summary:
{x}
Documents Reviewed for Determination:
{x}
1) Regarding the request for {x}:
Medical Treatment Guideline(s) Used by the Claims Administrator:
{x}
Medical Treatment Guideline(s) Used by the Expert Reviewer:
The Expert Reviewer based his/her decision on the {x}
Rationale for the Decision:
{x}
This determination is final and binding.
{x}
""",
    # 2015 final without the header table
    "final_2015": """HOW THE IMR FINAL DETERMINATION WAS MADE
{x}
The Expert Reviewer has the following credentials:
State(s) of Licensure: {x}
Certification(s)/Specialty: {x}
CLINICAL CASE SUMMARY
{x}
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
{x}: Upheld
Claims Administrator guideline: Decision based on {x}
MAXIMUS guideline: Decision based on MTUS {x}
Decision rationale: {x}
{x}
""",
    # 2016 final with the header table
    "final_2016": """Case Number: CM16-0904417
Date Assigned: 10/18/2016 Date of Injury:  03/22/2016
{x}
Decision Date: 11/15/2016 UR Denial Date:  09/27/2016
Priority:  Standard Application
Received:
10/12/2016
HOW THE IMR FINAL DETERMINATION WAS MADE
The Expert Reviewer has the following credentials:
State(s) of Licensure: California,Nevada
Certification(s)/Specialty: Orthopedic Surgery
CLINICAL CASE SUMMARY
{x}
IMR ISSUES, DECISIONS AND RATIONALES
{x}
MRI of the left knee {x}: Overturned
Claims Administrator guideline: Decision based on Non-MTUS Citation {x}
MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004, Section(s): {x}
Decision rationale: {x}
""",
}


def named_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled pattern of the regexes module (also inside dicts), and the category rules."""
    out: dict[str, re.Pattern[str]] = {}
    for name, value in vars(rx).items():
        if isinstance(value, re.Pattern):
            out[name] = value
        elif isinstance(value, dict):
            out.update({f"{name}[{k}]": v for k, v in value.items() if isinstance(v, re.Pattern)})
    for k, (pattern, category) in enumerate(categories.rules()):
        out[f"category[{k}:{category}]"] = pattern
    return out


PATTERNS = named_patterns()


LOOKAROUND = re.compile(r"(?<!\\)\(\?<?[=!]")


def without_lookarounds(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern with its lookarounds cut out, for hypothesis to satisfy when it cannot satisfy them
    ('(?=...(?P=unit))' in REPEATED_UNIT)."""
    source, out, i = pattern.pattern, [], 0
    while m := LOOKAROUND.search(source, i):
        out.append(source[i:m.start()])
        depth, j, in_class = 0, m.start(), False
        while True:
            ch = source[j]
            if ch == "\\":
                j += 1
            elif in_class:
                in_class = ch != "]"
            elif ch == "[":
                in_class = True
            elif ch in "()":
                depth += 1 if ch == "(" else -1
                if depth == 0:
                    break
            j += 1
        i = j + 1
    return re.compile("".join(out) + source[i:], pattern.flags)


@cache
def samples(name: str, n: int) -> tuple[str, ...]:
    """n full matches of the pattern (of its lookaround-free form when none can be found; in any characters when
    the pattern matches none of ALPHABET, as a class of odd spaces), the same on every run."""
    out: list[str] = []
    pattern = PATTERNS[name]
    for pattern, alphabet in ((pattern, ALPHABET), (without_lookarounds(pattern), ALPHABET), (pattern, st.characters())):
        @settings(derandomize=True, database=None, max_examples=n, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), deadline=None)
        @given(st.from_regex(pattern, fullmatch=True, alphabet=alphabet))
        def collect(sample: str) -> None:
            out.append(sample)

        try:
            collect()
        except (Unsatisfiable, InvalidArgument):   # InvalidArgument: the pattern matches nothing in the alphabet
            continue
        return tuple(dict.fromkeys(out))
    raise AssertionError(f"{name}: hypothesis cannot generate a match")


def units(name: str, n: int) -> list[str]:
    """The repeating units: each sample, its first half and all but its last character, with each separator."""
    variants = dict.fromkeys(v for s in samples(name, n) for v in (s, s[:len(s) // 2], s[:-1]) if v)
    return [v + sep for v in variants for sep in SEPARATORS]


def repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def cpu_time(run, text: str, runs: int = 3) -> float:
    """Best of a few runs, in CPU seconds (other processes on a busy machine do not count)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        run(text)
        best = min(best, time.process_time() - start)
        if best < TINY / FACTOR or best > 1:     # too short to matter, or clearly slow already
            break
    return best


def assert_linear(run, unit: str, size: int) -> None:
    """Time at size, 2×, 4×, ... FACTOR × size: doubling stops a super-linear case early."""
    base = cpu_time(run, repeat(unit, size))
    factor = 2
    while factor <= FACTOR:
        took = cpu_time(run, repeat(unit, factor * size))
        if took > TINY:
            assert took < MARGIN * factor * max(base, TINY / factor), (
                f"{base:.4f}s at {size} chars, {took:.4f}s at {factor * size} chars of {unit[:80]!r}")
        factor *= 2


def extract_framed(text: str) -> None:
    for frame in FRAMES.values():
        try:
            extract_letter(frame.replace("{x}", text))
        except ExtractError:
            pass


def finditer(name: str):
    pattern = PATTERNS[name]
    return lambda text: sum(1 for _ in pattern.finditer(text))


@pytest.mark.parametrize("name", PATTERNS)
def test_pattern_time_is_linear(name):
    for unit in units(name, 1):
        assert_linear(finditer(name), unit, SIZE)


@pytest.mark.parametrize("name", PATTERNS)
def test_pattern_time_is_linear_on_runs(name):
    for unit in RUNS:
        assert_linear(finditer(name), unit, SIZE)


@pytest.mark.parametrize("name", PATTERNS)
def test_extraction_time_is_linear(name):
    """Every unit on lines of its own: the layouts walk lines, and many short ones are the hard case."""
    for unit in units(name, 1)[::len(SEPARATORS)]:
        assert_linear(extract_framed, unit + "\n", SIZE // 2)


@pytest.mark.slow
@pytest.mark.parametrize("name", PATTERNS)
def test_extraction_time_is_linear_wide(name):
    for unit in units(name, 4):
        assert_linear(extract_framed, unit + "\n", SIZE)


@pytest.mark.slow
@pytest.mark.parametrize("name", PATTERNS)
def test_pattern_time_is_linear_wide(name):
    for unit in units(name, 8):
        assert_linear(finditer(name), unit, 4 * SIZE)


def test_frames_are_letters():
    """Each frame, filled with ordinary text, is read as its layout."""
    for layout, frame in FRAMES.items():
        assert extract_letter(frame.replace("{x}", "Norco 10/325mg #60")).layout == layout
