"""Pattern searches skipped for the cost of a substring test: when an ASCII text contains none of the
words every match of a pattern contains (read off the parsed pattern), the pattern cannot match.

'\\bhome care\\b|\\btaxi\\b' needs 'home care' or 'taxi'. Under re.I an ASCII text matches a lowercase
ASCII word exactly when its lowercase contains it; other texts are always searched.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse

ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}    # \b, ^, lookarounds: the characters around them are adjacent


def required(parsed) -> tuple[str, ...] | None:
    """Lowercase ASCII words one of which every match of a parsed pattern contains; None when none is
    known. Of several such sets, the one whose shortest word is longest."""
    found: list[tuple[str, ...] | None] = []
    run: list[str] = []
    for op, arg in parsed:
        if op is sre.LITERAL and arg < 128:
            run.append(chr(arg).lower())
            continue
        if op in ZERO_WIDTH:
            continue
        if run:
            found.append(("".join(run),))
            run = []
        if op is sre.BRANCH:
            alternatives = [required(a) for a in arg[1]]
            if all(alternatives):
                found.append(tuple(w for a in alternatives for w in a))
        elif op is sre.SUBPATTERN:
            found.append(required(arg[3]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            found.append(required(arg[2]))
    if run:
        found.append(("".join(run),))
    return max(filter(None, found), key=lambda words: min(map(len, words)), default=None)


def words(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """The words one of which every match of pattern contains; () when none is known."""
    return required(sre_parse.parse(pattern.pattern, pattern.flags)) or ()


def lacks(low: str, words: tuple[str, ...]) -> bool:
    """A lowercase text contains none of the words (never, for no words)."""
    for w in words:    # a loop: any() over a generator costs more than the tests
        if w in low:
            return False
    return bool(words)


# id of a compiled pattern → its words. Keyed by id: hashing a pattern costs more than most searches,
# and the patterns of pipeline.patterns live as long as the process.
_WORDS: dict[int, tuple[str, ...]] = {}


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """pattern.search(text), answered None without searching when an ASCII text lacks the pattern's words."""
    found = _WORDS.get(id(pattern))
    if found is None:
        found = _WORDS[id(pattern)] = words(pattern)
    if text.isascii() and lacks(text.lower(), found):
        return None
    return pattern.search(text)
