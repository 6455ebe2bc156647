"""Every pattern the extractors use, named, with an example of what it matches.

Compiled once at import. Patterns run on text that pipeline.clean has normalised (LF line ends,
no doubled newlines, no page furniture); headings and citation lines are whitespace-folded
before the item-level patterns see them.
"""
from __future__ import annotations

import re

I, X, M, S = re.I, re.X, re.M, re.S

# ---------------------------------------------------------------- dates
DATE = re.compile(
    r"""(?<![\d/-])(?:
          (?P<m>\d{1,2})\s*[/.-]\s*(?P<d>\d{1,2})\s*[/.-]\s*(?P<y>\d{4}|\d{2})   # 11/09/2016, 10-13-16, 2/26/86
        | (?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+
          (?P<day>\d{1,2}),?\s+(?P<year>\d{4})                                   # July 12, 2013
        | (?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})                              # 2016-11-09
        )(?![\d/])""", I | X)

# ---------------------------------------------------------------- cleaning (pipeline.clean)
# 'anti-\ninflammatory': the '-' first (its letter checked behind it), so sre scans for it by its literal prefix
LINE_END_HYPHEN = re.compile(r"-(?<=[A-Za-z]-)[ \t]*\n[ \t]*(?=[a-z])")
HYPHEN_BREAK = re.compile(r"- ?\n")          # where LINE_END_HYPHEN is tried: 'anti-\n', 'anti- \n'
SPACE_RUN = re.compile(r"  +")                                              # 'MRI:  Upheld' → one space
# Literal searches of a whole letter: sre finds a literal ~2.5× faster than str's `in` and count() when the
# needle is short and its characters are frequent ('\n\n' in an 8 kB letter: 1.0 against 6.7 µs)
DOUBLE_NEWLINE = re.compile("\n\n")                                          # 'end of page.\n\nNext'
PAGE_WORD = re.compile("Page")                                                # 'Page 2 of 3'

# ---------------------------------------------------------------- layouts and sections
# A line-start pattern (re.M) begins `^[ \t]*`, never `^\s*`: \s crosses newlines, and a run of blank lines
# would then be rescanned from every line start in it (quadratic).
# The titles are written in lower case: on the lower-cased text of a letter (pipeline.layouts.lowered),
# LOWER_CASE[title] (the same source without re.I, after the 2013 determinations) finds the same matches
# at the same places, by sre's literal-prefix scan (re.I compares character by character: 30 µs against
# 1.4 µs over a 4 kB letter).
NOTICE_TITLE = re.compile(r"notice\s+of\s+independent\s+medical\s+review\s+determination", I)
FINAL_TITLE = re.compile(r"how\s+the\s+imr\s+final\s+determination\s+was\s+made", I)    # 'HOW THE IMR FINAL ...'
DECISIONS_TITLE = re.compile(r"imr\s+issues\s*,\s*decisions\s+and\s+rationales", I)
SUMMARY_TITLE = re.compile(r"clinical\s+case\s+summary", I)        # final layouts
CREDENTIALS_TITLE = re.compile(r"the\s+expert\s+reviewer\s+has\s+the\s+following\s+credentials:?", I)
NOTICE_DETERMINED = re.compile(r"maximus\s*federal\s*services,?\s*inc\.?\s*has\s*determined", I)
NOTICE_SUMMARY = re.compile(r"^[ \t]*case\s+summary:", I | M)          # 'Case Summary:' (2013)
NOTICE_DOCUMENTS = re.compile(r"^[ \t]*documents\s+reviewed\s+for\s+determination:", I | M)
NOTICE_CLOSING = re.compile(r"this\s+determination\s+is\s+final\s+and\s+binding", I)

# Page furniture of multi-page letters: 'Page 2 of 3' with the case-number line printed next to it
# ('CM13-0004318' or 'MAXIMUS Case Number: CM13-0011562'), above or below.
PAGE_FURNITURE = re.compile(
    r"""^[ \t]*(?:(?:MAXIMUS\s+Case\s+Number:\s*)?CM\d{2}-\d{7}[ \t]*\n[ \t]*)?
        Page\s+\d+\s+of\s+\d+[ \t]*(?:\n|$)
        (?:[ \t]*(?:MAXIMUS\s+Case\s+Number:\s*)?CM\d{2}-\d{7}[ \t]*(?:\n|$))?""", I | M | X)
# What every PAGE_FURNITURE match contains, lower-cased: a letter whose lower-cased text has none has no
# page furniture (a case-sensitive search by literal prefix, where PAGE_FURNITURE tries every position)
PAGE_NUMBER = re.compile(r"page\s+\d+\s+of\s+\d+")                         # 'page 2 of 3'

# ---------------------------------------------------------------- 2016 header table
CASE_NUMBER = re.compile(r"\b(?P<case>CM\d{2}-\d{7})\b")                    # 'CM16-0213037'
# The PDF text scrambles labels and values: 'Priority:  Standard Application \nReceived:  \n11/03/2016'
HEADER_LABEL = re.compile(     # lower case, for LOWER_CASE: 'Date Assigned:', 'UR Denial Date:'
    r"""(?P<label>date\s+assigned|date\s+of\s+injury|decision\s+date|ur\s+denial\s+date
        |application\s+received|priority)\s*:""", I | X)
PRIORITY = re.compile(r"\b(?P<priority>standard|expedited)\b", I)          # 'Priority: Standard'
# Where a DATE can start in lower-cased text: a run of digits ('11/09/2016'), the first letter of a
# month ('july 12, 2013'), found by their first characters; DATE, which starts with a lookbehind, is
# otherwise tried at every position (20 µs over a 200-character header)
DATE_START = re.compile(r"\d+|j(?=an|u[nl])|f(?=eb)|m(?=a[ry])|a(?=pr|ug)|s(?=ep)|o(?=ct)|n(?=ov)|d(?=ec)")

# ---------------------------------------------------------------- 2013 notice header
NOTICE_HEADER_FIELDS = {
    # field -> pattern with a group 'date'
    "decision_date": re.compile(r"^[ \t]*dated:\s*(?P<date>[^\n]+)", I | M),                # 'Dated: 8/29/2013'
    "ur_denial_date": re.compile(r"date\s+of\s+ur\s+decision:\s*(?P<date>[^\n]+)", I),   # 'Date of UR Decision: 7/12/2013'
    "date_of_injury": re.compile(r"date\s+of\s+injury:\s*(?P<date>[^\n]+)", I),          # 'Date of Injury: 3/14/2011'
    "application_received": re.compile(r"imr\s+application\s+received:\s*(?P<date>[^\n]+)", I),
    # 'A Notice of Assignment and Request for Information was provided to the above parties on 8/9/2013'
    "date_assigned": re.compile(
        r"notice\s+of\s+assignment\s+and\s+request\s+for\s+information\s+was\s+provided\s+to\s+the"
        r"\s+above\s+parties\s+on\s+(?P<date>[^\n.]+)", I),
}

# ---------------------------------------------------------------- credentials
LICENSURE = re.compile(r"State\(s\)\s+of\s+Licensure:\s*(?P<states>.*?)\s*(?=Certification|$)", I | S)
SPECIALTY = re.compile(r"Certification\(s\)/Specialty:\s*(?P<specialties>.*)", I | S)
# 'Board Certified in Anesthesiology, has a subspecialty in Pain Medicine and is licensed to practice in California.'
# The spans are bounded (the longest real board, subspecialty or state list is under 100
# characters): unbounded, every 'Board Certified in' with no ending would scan the rest of the text.
NOTICE_BOARD = re.compile(
    r"board\s+certified\s+in\s+(?P<board>.{1,120}?)(?:,?\s+has\s+a\s+sub-?specialty\s+in\s+(?P<sub>.{1,120}?))?"
    r",?\s+and\s+is\s+licensed\s+to\s+practice\s+in\s+(?P<states>.{1,300}?)\.", I | S)

# Separators start where a run of spaces starts ((?<!\s)), so a long run is not rescanned from each space in it
LIST_SEPARATOR = re.compile(r"(?<!\s)\s*[,;]\s*")                         # 'Texas,New York, California'
STATE_SEPARATOR = re.compile(r"(?<!\s)\s*(?:[,;]|\band\b)\s*", I)         # 'California and Arizona'

# ---------------------------------------------------------------- case summary
# 'is a 48 year old male', 'The 66 year old male injured worker', 'a 39-year-old female'
TENS = r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
UNITS = r"one|two|three|four|five|six|seven|eight|nine"
# 'is a 48 year old male', 'a 39-year-old female', '66 y/o male', 'a fifty-two year old woman'
AGE_SEX = re.compile(
    rf"""\b(?:(?P<age>\d{{1,3}})|(?P<age_words>(?:{TENS})(?:[\s-](?:{UNITS}))?))[\s-]*
        (?:(?:year|yr)s?[\s-]*old\b|y/o\b|y\.o\.|yo\b)[\s,]*(?:(?P<sex>male|female|man|woman|gentleman|lady)\b)?""", I | X)
AGE_ONLY = re.compile(r"\b(?:now\s+)?aged?\s+(?P<age>\d{1,3})\b", I)      # 'age 44', 'now age 56'
TITLE_SEX = re.compile(r"\b(?P<title>mr|mrs|ms|miss)\b\.?", I)               # 'Ms. [Redacted]'
SEX_WORD = re.compile(r"\b(?P<sex>male|female|man|woman|gentleman|lady)\b", I)
PRONOUN = re.compile(r"\b(?P<pronoun>he|him|his|she|her|hers)\b", I)      # 'She reported ...' when no sex word
# 'sustained an industrial injury on 10-13-16', 'with a date of injury of 3/14/2011',
# 'was injured at work on July 3, 2012', 'DOI: 1/5/10', '(DOI 3/4/2014)', 'injured on or about 7/1/2013'
INJURY_DATE = re.compile(
    r"""(?:(?:\binjur(?:y|ed|ies)\b|\bdoi\b)[^.;]{0,40}?(?:\bon|\bof|\bdated|:)\s+|\bdoi\b[:\s]*)
        (?:or\s+about\s+|about\s+|approximately\s+)?
        (?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})""", I | X)

# ---------------------------------------------------------------- decision headings (final layouts)
# 'MRI of the right shoulder without contrast: Upheld', 'Xanax 0.5 mg #90:  Upheld', a lone 'Overturned'
OUTCOME_LINE = re.compile(r"(?:^|:)[ \t]*(?P<outcome>Upheld|Overturned)\.?[ \t]*$", M)
OUTCOME_ONLY = re.compile(r"^\s*(?:Upheld|Overturned)\.?\s*$")
# A line that ends a paragraph: a sentence end, or the line introducing the decisions. A line ending
# in ':' otherwise does not ('... gel 240gm #1 DOS:' wrapped before its date).
SENTENCE_END = re.compile(r"[.!?]\s*$|set\s+forth\s+below:\s*$", I)
# The sentences of a partial authorization heading, which may end a line with a period:
# 'Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the Claims
#  Administrator. The remaining IMR eligible portion of the original request, Norco 10/325mg #35 is'
PARTIAL_CONTINUATION = re.compile(
    r"^\s*(?:The\s+remaining|The\s+original\s+request|(?:The\s+)?Claims\s+Administrator|.{0,200}?\bwas\s+authorized\b"
    r"|.{0,200}?\bleaving\s+the\s+original\s+request)", I)
FIRST_SENTENCE = re.compile(r"^.*?(?:\.(?=\s)|$)", S)
BLOCK_LABEL = re.compile(
    r"""^[ \t]*(?P<label>Claims\s+Administrator\s+guideline|MAXIMUS\s+guideline|Decision\s+rationale)\s*:""",
    I | M | X)

# ---------------------------------------------------------------- 2013 numbered determinations
# '1) MAXIMUS Federal Services, Inc. has determined the request for Norco 10/325mg #120 is
#  notmedically necessary and appropriate.'   (pypdf glues words: 'notmedically', 'isnot')
# The heading is bounded (the longest real one is under 450 characters) so that a determination
# with no ending phrase does not scan the rest of the text from every start.
NOTICE_DETERMINATION = re.compile(
    r"""(?P<n>\d{1,2})\)\s*maximus\s*federal\s*services,?\s*inc\.?\s*has\s*determined\s*the\s*request\s*for\s*
        (?P<heading>.{1,600}?)\s*\bis\s*(?P<negation>not)?\s*medically\s*necessary\s*and\s*appropriate""", I | X | S)
NOTICE_REGARDING = re.compile(r"^[ \t]*(?P<n>\d{1,2})\)\s*regarding\s+the\s+request\s+for\b", I | M)
NOTICE_BLOCK_LABEL = re.compile(
    r"""^[ \t]*(?P<label>medical\s+treatment\s+guideline\(s\)\s+used\s+by\s+the\s+claims\s+administrator
        |medical\s+treatment\s+guideline\(s\)\s+used\s+by\s+the\s+expert\s+reviewer
        |rationale\s+for\s+the\s+decision)\s*:""", I | M | X)

# The patterns above written in lower case (titles, header labels, dates, the 2013 notice's header,
# board, sections and determinations, the case summary's), without re.I: for the lower-cased text of
# a letter that has one (pipeline.layouts.lowered, find, find_all)
LOWER_CASE = {p: re.compile(p.pattern, p.flags & ~I) for p in
              (NOTICE_TITLE, FINAL_TITLE, DECISIONS_TITLE, SUMMARY_TITLE, CREDENTIALS_TITLE, NOTICE_DETERMINED,
               DATE, HEADER_LABEL, PRIORITY, NOTICE_CLOSING, NOTICE_BOARD, *NOTICE_HEADER_FIELDS.values(),
               AGE_SEX, AGE_ONLY, TITLE_SEX, SEX_WORD, PRONOUN, INJURY_DATE,
               NOTICE_SUMMARY, NOTICE_DOCUMENTS, NOTICE_DETERMINATION, NOTICE_REGARDING, NOTICE_BLOCK_LABEL)}

# Cues of the lower-case patterns that sre would try at every position (they start with '^' or a
# digit): pattern → (cues, back). Every match holds a match of a cue (a literal-prefix pattern) and
# starts at most `back` characters before it or, with back None, at the start of its line
# (pipeline.layouts.find tries only those places).
CUES = {
    NOTICE_DETERMINATION: ((re.compile(r"\)\s*maximus"),), 2),                 # '1) MAXIMUS Federal Services ...'
    NOTICE_REGARDING: ((re.compile(r"\)\s*regarding"),), None),                # '1) Regarding the request for'
    NOTICE_BLOCK_LABEL: ((re.compile(r"medical\s+treatment"), re.compile(r"rationale\s+for")), None),
    NOTICE_SUMMARY: ((re.compile(r"case\s+summary:"),), None),
    NOTICE_DOCUMENTS: ((re.compile(r"documents\s+reviewed"),), None),
    NOTICE_HEADER_FIELDS["decision_date"]: ((re.compile(r"dated:"),), None),      # 'Dated: 8/29/2013'
}

# ---------------------------------------------------------------- guideline citations
DECISION_BASED_ON = re.compile(r"Decision\s+based\s+on\s+", I)             # one per cited group
NOT_CITED = re.compile(r"did\s+not\s+cite\s+any\b", I)                      # '... did not cite any medical evidence'
NON_MTUS = re.compile(r"^Non-?\s*MTUS\s+Citation\s*", I)                   # 'Non-MTUS Citation Official Disability ...'
MTUS_PREFIX = re.compile(r"^(?:CA\s+)?MTUS\s*:?\s*", I)                      # 'MTUS Shoulder Complaints 2004'
# One MTUS document with its sections, several per group joined by ', and':
# 'Neck and Upper Back Complaints 2004, Section(s): Special Studies, and Forearm, Wrist, and Hand
#  Complaints 2004, Section(s): Special Studies.'
# Document names are bounded (the longest real one is under 100 characters): unbounded, every
# capital letter with no year after it would scan the rest of the line.
MTUS_DOCUMENT = re.compile(
    r"""(?P<document>[A-Z][^:]{0,300}?\b(?:19|20)\d{2})\b
        (?:\s*(?:,\s*)?Section\(s\):\s*(?P<sections>.*?))?
        \s*(?:,\s*and\s+(?=[^:]{0,300}?\b(?:19|20)\d{2}\b)|[.;,]?\s*$)""", X | S)
# A 'section' made only of the document's name: 'Section(s): Guidelines', 'MTUS Guidelines', 'ACOEM Practice Guidelines'
NOT_A_SECTION = re.compile(r"^(?:(?:the|ca|mtus|odg|\(odg\)|acoem|practice|official|disability|guidelines?)\b[\s,.]*)+$", I)
SECTIONS_LABEL = re.compile(r"(?<!\s)\s*(?:,\s*)?Section\(s\):\s*", I)   # one way through a run of spaces
PAGES = re.compile(r"\b(?:Page\(s\):|pages?|pp?\.)\s*(?P<pages>\d[\d\s,\-–&and]*)", I)   # 'Page(s): 74-96, 124'
# The pages closing an MTUS section list: 'Section(s): Opioids, criteria for use, Page(s): 76-80, 91.'
SECTION_PAGES = re.compile(r"(?<!\s)\s*(?:,\s*)?Page\(s\)\s*:\s*(?P<pages>\d[\d\s,\-–]*)", I)
PAGE_RANGE = re.compile(r"(?P<a>\d{1,4})(?:\s*[-–]\s*(?P<b>\d{1,4}))?")
# 2015: 'MTUS Chronic Pain Treatment Guidelines benzodiazepines Page(s): 24.'
GUIDELINES_WORD = re.compile(r"^(?P<document>.*?\bGuidelines?\b)\s*[,:]?\s*(?P<rest>.*)$", I | S)
ODG_DOCUMENT = re.compile(r"^(?P<document>Official\s+Disability\s+Guidelines(?:\s*\(ODG\))?|ODG)\s*[,:]?\s*", I)
ACOEM_DOCUMENT = re.compile(r"^(?P<document>ACOEM(?:\s+Practice\s+Guidelines)?(?:\s*(?:,\s*)?\d(?:st|nd|rd|th)\s+Edition)?(?:\s*\(\d{4}\))?)\s*[,:]?\s*", I)
# 2013: 'The Expert Reviewer based his/her decision on the Chronic Pain Medical Treatment Guidelines,
#        Opioids, pages 74-96, which is part of the MTUS.'
NOTICE_BASED_ON = re.compile(r"^(?!.*Decision\s+based\s+on).*?based\s+(?:his/her|his|her|their|its)\s+decision\s+on\s+(?:the\s+)?(?P<citation>.*)", I | S)
EDITION_PIECE = re.compile(r"^(?:\d(?:st|nd|rd|th)\s+Edition|\(?\d{4}\)?)(?:\s*\(\d{4}\))?$", I)   # '2nd Edition (2004)'
# ODG chapter qualifiers that stay with the chapter: 'Carpal Tunnel Syndrome (Acute & Chronic)'
CHAPTER_QUALIFIER = re.compile(r"^\(\s*(?:(?:acute|chronic|thoracic|lumbar|and|&|,)\s*)+\)$", I)   # one \s* per gap: no backtracking blow-up
# An ACOEM chapter named ODG-style after the document, then its topic: 'Hip and Groin Chapter/Diagnostic ...'
NAMED_CHAPTER = re.compile(r"^[A-Z][\w&' -]*?\bChapter\b\s*(?:[/,(]|$)")
ODG_MARK = re.compile(r"\bODG\b|Official\s+Disability\s+Guidelines", I)
ACOEM_MARK = re.compile(r"\bACOEM\b", I)

# Counts as headings write them: '12', 'Twelve'
NUMBER_WORD = (r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
               r"fifteen|sixteen|eighteen|twenty|twenty-four|thirty|forty|fifty|sixty|ninety|single)")

# ---------------------------------------------------------------- item headings
PREFIX = re.compile(
    r"""^(?:\s*(?:Retrospective|Retro|Prospective|Associated\s+surgical\s+service|Post-?\s*op(?:erative)?
        |Pre-?\s*op(?:erative)?|Request\s+for|Additional|Outpatient|Inpatient|Continued|Purchase\s+of)\b[\s:,-]*)+""",
    I | X)
# 'Norco 10/325mg #60 was the original request. ... The remaining IMR eligible portion of the
#  original request, Norco 10/325mg #35 is'. The request ends at a word ('(?<=\S)'): a run of spaces is tried
#  from its first one only.
PARTIAL_ORIGINAL = re.compile(r"^(?P<original>.+?)(?<=\S)\s+was\s+the\s+original\s+request\b", I | S)
PARTIAL_REMAINING = re.compile(
    r"remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request,?\s*(?:is\s+)?(?:for\s+)?(?P<remaining>.+?)\s*(?:,\s*)?(?:\bis)?\s*$",
    I | S)
# A figure, with thousands separators: '50,000', '1,000.5', '7.5'
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
FIGURE = re.compile(NUMBER)                            # the figures of a strength's values: '4%-27.5%-0.0325'
STRENGTH_UNIT = r"(?:mg|mcg|g)\s*(?:/|\s+per\s+)\s*\d+(?:\.\d+)?\s*ml|mcg\s*/\s*h(?:r|our)?|mg\s*/\s*(?:ml|g|hr|patch|tab)|units?\s*/\s*ml|mcg|mg|%|grams?|gm|g|ml|units?|iu|meq"
STRENGTH = re.compile(
    rf"""(?<![\w.#,])(?P<values>{NUMBER}(?:\s*/\s*{NUMBER}|%?\s*-\s*{NUMBER}(?=(?:%?\s*[/-]\s*{NUMBER})*\s*(?:%|{STRENGTH_UNIT})))*)\s*
        (?P<unit>{STRENGTH_UNIT})
        (?![a-z])""", I | X)                                           # '10/325mg', '25mcg/hr', '5%', '0.5 mg', '7.5-325mg', '50,000 IU'
# A unit written after every figure, dropped before reading the figures: '7.5mg/325mg' → '7.5/325mg',
# '7.5 mg-325 mg' → '7.5-325 mg', '4%-27.5%-0.0325%' → '4-27.5-0.0325%'. A figure starts after no digit and no
# 'digit,': a long run of digits is tried from its first one only, not from each.
REPEATED_UNIT = re.compile(rf"(?<!\d)(?<!\d,)(?P<value>{NUMBER})\s*(?P<unit>{STRENGTH_UNIT})\s*(?P<joiner>[/-])\s*(?={NUMBER}\s*(?P=unit)(?![a-z]))", I)
# Where REPEATED_UNIT could match, read cheaply: a unit's last character, a joiner, a figure ('mg/3' of
# '7.5mg/325mg', '%-2' of '5%-2%'); most strengths have none ('10/325mg') and skip the costly pattern.
UNIT_JOINER = re.compile(r"[^\s\d]\s*[/-]\s*\d")
# A liquid's strength per a volume other than 1 ml, once normalised: 'mg/5ml', 'g/15ml'
PER_VOLUME_UNIT = re.compile(r"^(?P<unit>mg|mcg|g)/(?P<ml>\d+(?:\.\d+)?)ml$")
# A figure in grams that is a dose, not the size of a tube: 'Sucralfate 1gm #120', 'Miralax 17 gm packets #30'
# One way through a run of spaces: no \s* may follow another directly, and a run is entered at its first space only
# (the pattern is matched right after a unit).
DOSE_IN_GRAMS = re.compile(
    r"(?<!\s)\s*(?:(?:packets?|sachets?|tablets?|tabs?|capsules?|caps)\s*)?(?:\#|x\s*\d|,\s*(?:qty|quantity)\b|(?:qty|quantity)\b)", I)
# 'Percocet 5/325', '50/325/40'; at most six figures, so a long '0/ 0/ 0/ …' chain costs linear time
BARE_RATIO = re.compile(r"(?<![\w.#/])(?P<values>\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?){1,5})(?![\w/%.])")
QUANTITY = re.compile(
    rf"""(?:\#\s*(?P<hash>\d{{1,5}})(?!\d|\.\d)                      # '#90', '#120gm'
        |\b(?:qty|quantity)\s*[:.]?\s*(?:\#\s*)?(?P<qty>\d{{1,5}}|{NUMBER_WORD})\b     # 'QTY: 60', 'quantity sixty'
        |(?<![\d.])\bx\s*(?P<times>\d{{1,4}})\b
         (?!\s*(?:refills?|weeks?|months?|days?|times|/|per\s+(?:week|wk|month|day))))   # 'x 90', 'x 12 per 3/2/16 order'
    """, I | X)
# '30 tablets of Tramadol ER 150mg', 'Sixty tablets of Tizanidine', 'Norco 10/325mg 60 tablets'
# — not a dose: '1-2 tablets every 6 hours', '2 tablets daily'
UNIT_COUNT = re.compile(
    rf"""(?<![-\d])(?<!-\s)\b(?P<n>{NUMBER_WORD})(?:\s*\(\d{{1,4}}\))?\s+
        (?:(?:tablets?|tabs?|capsules?|caps?|patch(?:es)?|pills?|units?|boxes|containers?)\s+of\b
        |(?:tablets|tabs|capsules|caps|patches|pills|lozenges|suppositories)\b
         (?!\s+(?:every|daily|per|a\s+day|q\.?\d|b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|twice|three\s+times|at\s+bed|by\s+mouth|po\b|orally)))""",
    I | X)
REFILLS = re.compile(
    r"""(?:\b(?:with|plus|and|x|\+)\s*(?P<n>\d{1,2}|one|two|three|four|five|six|eleven|twelve)\s*refills?\b   # 'with 3 refills', 'x2 refills'
        |\brefills?\s*[:x]?\s*(?P<n2>\d{1,2})\b                                                          # 'refills x 2'
        |^\s*(?P<n3>one|two|three|four|five|six|\d{1,2})\s+refills?\s+of\b                                # 'Two refills of X'
        |\b(?P<n4>\d{1,2}|one|two|three|four|five|six|no|zero)\s+refills?\b)""", I | X)         # 'with no refills' → 0
# 'DOS 3/4/15', 'DOS: 11/14/16', 'date of service 12/29/16', 'dispensed on 5/12/16', 'given 1/12/2017',
# 'per 5/1/15 order'
SERVICE_DATE = re.compile(
    r"""(?:\bDOS\b|\bdates?\s+of\s+service\b|\b(?:dispensed|provided|performed|given|administered)(?:\s+on)?\b)[\s:(]*
          (?P<date>\d{1,2}/\d{1,2}/\d{2,4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4})
        |\bper\s+(?P<order>\d{1,2}/\d{1,2}/\d{2,4})\s+(?:order|prescription|report|note|request)\b""", I | X)
RETROSPECTIVE = re.compile(r"\bretro(?:spective)?\b", I)
FREQUENCY = re.compile(
    r"""\b(?P<freq>q\.?\s?(?:d|hs|am|pm|\d{1,2}\s*h(?:rs?|ours?)?)\b|b\.?i\.?d\b|t\.?i\.?d\b|q\.?i\.?d\b|prn\b|qhs\b
        |(?:once|twice|three\s+times|four\s+times|\d\s*(?:x|times))\s+(?:a\s+|per\s+)?(?:day|daily)\b|daily\b|at\s+bedtime\b|nightly\b)""",
    I | X)                                                            # 'BID', 'twice daily', 'q8h'
# A dosing interval in hours, normalised to 'q8h': 'q 8 hours', 'q8hrs', 'Q12H'
HOURLY = re.compile(r"\bq\s*(?P<h>\d{1,2})\s*h(?:rs?|ours?)?\b", I)
# The volume of a bottle, not a per-ml strength: 'Methadone 10mg/ml 420 ml', '480cc' — not 'mg/ml', '5mg/5ml'
VOLUME = re.compile(r"(?<![\w./])(?P<ml>\d{1,5}(?:\.\d+)?)\s*(?:ml|cc|milliliters?)\b", I)
DAYS_SUPPLY = re.compile(r"\b(?P<days>\d{1,3})[\s-]*days?(?:'s)?\s+supply\b|\b(?:for\s+)?(?P<days2>\d{1,3})\s+days\b(?!\s+rental)", I)

# ---------------------------------------------------------------- counts of visits and sessions
VISIT_NOUN = r"(?:sessions?|visits?|treatments?|appointments?|trips?)"
# 'Twelve sessions', 'Twelve (12) sessions', '12-18 sessions', '(24 sessions)', 'for eight sessions', 'Six physical therapy visits'
WRITTEN_TOTAL = re.compile(
    rf"""\b(?P<n>{NUMBER_WORD})(?:\s*\(\d{{1,3}}\))?(?:\s*(?:-|to)\s*(?P<top>{NUMBER_WORD}))?\s+(?:[a-z/()-]+\s+){{0,3}}?{VISIT_NOUN}\b
        (?!\s*(?:a|per|each|/)\s*(?:week|wk|month|day))""",                 # not '1 session per week for 10 weeks'
    I | X)
# 'three times a week for two weeks', '2-3 times a week for 6 weeks', '2x4', '1 times 8',
# '3 days per week for 6 weeks'
FREQUENCY_DURATION = re.compile(
    rf"""\b(?:(?:(?P<lo>{NUMBER_WORD})\s*(?:-|to)\s*)?(?P<per>{NUMBER_WORD})\s*
        (?:x|times?|(?:days?|visits?|sessions?)(?=\s*(?:a|per|each|/)\s*(?:week|wk)))|(?P<per_word>once|twice|thrice))\s*
        (?:(?:a|per|each|/)\s*(?:week|wk)(?:ly)?\s*|weekly\s*)?
        (?:(?:for|over|times|x)\s*)?(?:(?P<dlo>{NUMBER_WORD})\s*(?:-|to)\s*)?(?P<weeks>{NUMBER_WORD})\b(?:\s*(?:weeks?|wks?)\b)?""",
    I | X)
# 'every month for 6 months', 'monthly for six months', 'once a month x 6 months'
MONTHLY_DURATION = re.compile(
    rf"\b(?:(?:every|each|once\s+(?:a|per))\s+month|monthly)\s+(?:for|x|times)\s*(?P<n>{NUMBER_WORD})\s+months?\b", I)
TIMES_N = re.compile(rf"(?:,\s*|\b)times\s+(?P<n>{NUMBER_WORD})\b", I)        # 'Physical therapy, times 12'
LEADING_COUNT = re.compile(
    rf"^(?P<n>{NUMBER_WORD})(?:\s*\(\d{{1,4}}\))?\s+(?!(?:in|x|times?|to|-|or|of\s+the|month|week|day|year|hour|refills?)\b)[a-z]", I)
NOT_A_COUNT = re.compile(r"\b(?:rental|rent|month(?:s|ly)?\s+supply|one\s+month\s+supply|day\s+supply|stay|days?\s+rental)\b", I)

# ---------------------------------------------------------------- citation clauses and titles
# 2014: 'The Expert Reviewer found the Guideline used by the Claims Administrator relevant and appropriate ...'
ADOPTS_CLAIMS_GUIDELINE = re.compile(
    r"found\s+the\s+guidelines?\s+used\s+by\s+the\s+Claims\s+Administrator\s+(?:to\s+be\s+)?(?:relevant|appropriate)", I)
# ', which is not part of the MTUS': from a comma or the first of a run of spaces, never from inside the run
NOTICE_PART_OF_MTUS = re.compile(r"(?:,|(?<!\s))\s*which\s+(?P<not>is\s+not|are\s+not|is|are)\s+part\s+of\s+the\s+MTUS\b[.,;]?", re.I)
NOTICE_AND_THE = re.compile(r"^[\s,;]*(?:and\s+)?(?:the\s+)?", re.I)    # ', and the Official Disability ...'
# The long title some letters use: 'Official Disability Guidelines (ODG) Treatment in Workers' Compensation'
ODG_SUBTITLE = re.compile(r"^(?:,\s*)?Treatment\s+in\s+Workers'?\s*Comp(?:ensation)?\b\s*(?:\(\w+\))?[,:]?\s*", re.I)
# ' and Other Medical Treatment Guidelines:' (the run of spaces before 'and' entered at its first)
OTHER_GUIDELINES = re.compile(r"(?<!\s)\s+and\s+Other\s+Medical\s+Treatment\s+Guidelines?(?:\s+or\s+Medical\s+Evidence)?\s*:?\s*", re.I)
# Non-MTUS citations that name no publication but an ODG chapter: 'Low Back (Hyperstimulation analgesia)'
ODG_CHAPTER_START = re.compile(
    r"^(?:Low\s+Back|Neck|Shoulder|Knee|Pain|Elbow|Hip|Ankle|Forearm|Head|Mental|Carpal|Fitness|Chronic\s+Pain|Burns|Eye|Pulmonary|Hernia)\b",
    re.I)
# ---------------------------------------------------------------- drug headings
# Dosage forms: not part of the drug name ('Voltaren gel 1%' → 'Voltaren'); mark a topical.
TOPICAL_FORMS = re.compile(r"\b(?:gel|cream|ointment|lotion|patch(?:es)?|topical|transdermal|spray|roll-?on|compound(?:ed)?|liniment|balm)\b", re.I)
# Words before the drug that say how much of it: 'One container of', '30 tablets of', 'one (1) bottle of'
LEAD_IN = re.compile(
    r"^(?:(?:a|one|two|three|\d{1,4})(?:\s*\(\d{1,4}\))?\s+)?(?:(?:month(?:'s)?|day|week)\s+supply|containers?|tubes?|bottles?|boxes|tablets?|"
    r"capsules?|patch(?:es)?|refills?|prescriptions?)\s+of\s+(?:the\s+)?", re.I)
COMBINATION_TAIL = re.compile(r"(?:/[A-Za-z][A-Za-z-]*)+")   # 'Hydrocodon/APAP' after a lexicon name
WORDS_ONLY = re.compile(r"[\sA-Za-z,-]*")               # no digits between a drug name and its strength
NON_SPACE_RUN = re.compile(r"\S+")
SPACES = re.compile(r"\s+")
PER_WORD = re.compile(r"(?<!\s)\s+per\s+")             # 'mg per ml' → 'mg/ml'; a run of spaces entered at its first
LETTER = re.compile(r"[A-Za-z]")
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")            # lexicon lookup words: 'hydrocodone/apap' → hydrocodone, apap
HASH_COUNT = re.compile(r"\#\s*\d")                    # '#60' after a drug name marks it as requested
# ---------------------------------------------------------------- categories
# Headings that name a drug but request no drug to dispense (GOLD_SPEC: their drug fields are null):
# an injection of it ('Toradol 60mg IM injection', 'ESI with Depo-Medrol 80mg'), or a lab level of it
# ('Vitamin D level') — the rules table decides their category.
NOT_A_DRUG_REQUEST = re.compile(
    r"\b(?:injections?|injected|infusions?|blocks?|intramuscular(?:ly)?|IM)\b"
    r"|^(?!.*\d\s*(?:mg|mcg|iu|units?|%)).*\b(?:serum\s+|blood\s+)?levels?\b", re.I)
# ---------------------------------------------------------------- guideline documents (pipeline.extract.documents)
WORD = re.compile(r"[a-z0-9]+")                        # title words compared with the documents table
# Chapter text that is not part of the chapter's name: 'Low Back Chapter', 'Shoulder (updated 12/12/16)'. An '(updated'
# parenthetical holds no parenthesis, so each is read up to the next one only.
CHAPTER_TAIL = re.compile(r"(?<!\s)\s*(?:\(updated[^()]*\)|\bchapters?\b.*)$", re.I)
ACOEM_PUBLISHER = re.compile(r"\bACOEM\b|Occupational\s+and\s+Environmental", re.I)   # an ACOEM title cited as 'other'
