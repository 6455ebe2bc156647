"""Synthetic IMR determination letters with their ground truth, for tests and benchmarks.

`synth.corpus.generate(n, out, seed)` writes letters SYN-<seed>-<i>.txt (or .pdf) into `out/` and, for
each, the labels the pipeline is supposed to produce in the GOLD_SPEC format into `out/gold/<name>.json`.
The labels come from what the generator put into the letter, never from running the extractor.

Every layout the pipeline reads is covered: the 2016+ letter with the header table as PDF text
scrambles it, the 2014-15 letter without header (half of them with every newline doubled, like the
seeds), and the 2013 'Notice' with numbered determinations, glued words ('notmedically') and page
furniture. Items are drug-heavy (names from the generator's own synth/data/drug_names.csv, with
misspellings and drugs the extractor's lexicon lacks; '#90', 'QTY: 60', 'x 90', 'with 3 refills',
'x2 refills'; partial authorizations; compounds; 'DOS: 3/4/16'), with imaging, therapy, DME,
injections, consults and surgery besides; MTUS 'Section(s):', 2015 'Page(s):', ODG non-MTUS and 'did
not cite any medical evidence' citations; lines wrapped near 95 columns.

Letter i of a seed is drawn from random.Random((seed << 32) + i) alone, so any letter can be
regenerated on its own and the same seed always gives the same bytes. Vocabularies, citations,
heading templates and fixed prose are data (synth/data, read by synth.tables); the package reads
schemas/codes for the state codes and nothing of pipeline; pipeline never imports it.

Modules: tables (the data files), wording (wrapping, dates, numbers, name capitals), items (an item and
its shared heading pieces), drug_items and service_items (the item makers), guidelines (citations),
prose (summary and rationales), letters (one letter of each layout), pdf, corpus (generate), cli
(`imr synth`).
"""
