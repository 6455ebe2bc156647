-- Analyst queries over the IMR dataset. Run them in the DuckDB shell on a built dataset:
--   .venv/bin/imr sql data < examples/queries.sql   (or: .venv/bin/duckdb -readonly data/imr.duckdb < examples/queries.sql)
-- Each query starts with a `-- name: <slug>` line, a comment saying what question it answers and a
-- `.print` of both, so the shell titles each result (`.venv/bin/duckdb -readonly data/imr.duckdb < examples/queries.sql`);
-- tests/test_examples.py runs every one of them against a freshly built dataset.

-- name: overturn-rate-by-category
-- How often does the reviewer overturn the utilization-review denial, by DWC treatment category?
.print '== overturn-rate-by-category: How often does the reviewer overturn the utilization-review denial, by DWC treatment category?'
SELECT category,
       count(*)                                            AS items,
       count(*) FILTER (WHERE outcome = 'overturned')      AS overturned,
       round(100.0 * count(*) FILTER (WHERE outcome = 'overturned') / count(*), 1) AS overturn_pct
FROM items
GROUP BY category
ORDER BY items DESC, category;

-- name: overturn-rate-by-drug-class
-- For drug requests: how does the overturn rate differ between therapeutic classes?
.print '== overturn-rate-by-drug-class: For drug requests: how does the overturn rate differ between therapeutic classes?'
SELECT coalesce(drug_class, '(not in lexicon)')              AS drug_class,
       count(*)                                            AS requests,
       count(DISTINCT drug_generic)                        AS drugs,
       round(100.0 * count(*) FILTER (WHERE outcome = 'overturned') / count(*), 1) AS overturn_pct
FROM items
WHERE drug IS NOT NULL
GROUP BY ALL
ORDER BY requests DESC, drug_class;

-- name: top-denied-drugs
-- Which drugs are most often denied for good (UR denial upheld), and what share of their requests is that?
.print '== top-denied-drugs: Which drugs are most often denied for good (UR denial upheld), and what share of their requests is that?'
SELECT coalesce(drug_generic, lower(drug))                 AS drug,
       min(drug_class)                                     AS drug_class,
       count(*) FILTER (WHERE outcome = 'upheld')          AS upheld,
       count(*)                                            AS requests,
       round(100.0 * count(*) FILTER (WHERE outcome = 'upheld') / count(*), 1) AS upheld_pct
FROM items
WHERE drug IS NOT NULL
GROUP BY 1
ORDER BY upheld DESC, requests DESC, drug
LIMIT 25;

-- name: opioid-mme-by-outcome
-- Are overturned opioid requests smaller than upheld ones? Total MME (strength x quantity x factor) by outcome.
.print '== opioid-mme-by-outcome: Are overturned opioid requests smaller than upheld ones? Total MME (strength x quantity x factor) by outcome.'
SELECT outcome,
       count(*)                                            AS opioid_requests,
       count(total_mme)                                    AS with_mme,
       quantile_cont(total_mme, 0.25)                      AS p25_mme,
       median(total_mme)                                   AS median_mme,
       quantile_cont(total_mme, 0.75)                      AS p75_mme,
       max(total_mme)                                      AS max_mme
FROM items
WHERE drug_class = 'opioid'
GROUP BY outcome
ORDER BY outcome;

-- name: most-cited-mtus-sections
-- Which sections of which MTUS documents do reviewers cite most?
.print '== most-cited-mtus-sections: Which sections of which MTUS documents do reviewers cite most?'
SELECT document, section, count(*) AS citations, count(DISTINCT letter_id) AS letters
FROM (SELECT letter_id, document, unnest(sections) AS section
      FROM citations
      WHERE cited_by = 'reviewer' AND source = 'MTUS')
GROUP BY ALL
ORDER BY citations DESC, document, section
LIMIT 30;

-- name: partial-authorizations
-- Which requests were partly authorized by UR (original quantity cut down), and how much was kept in dispute?
.print '== partial-authorizations: Which requests were partly authorized by UR (original quantity cut down), and how much was kept in dispute?'
SELECT l.case_number, i.item_text, i.drug_generic, i.original_quantity, i.quantity,
       round(100.0 * i.quantity / nullif(i.original_quantity, 0), 1) AS disputed_pct_of_original,
       i.outcome
FROM items i
JOIN letters l USING (letter_id)
WHERE i.original_quantity IS NOT NULL
ORDER BY l.decision_date NULLS LAST, l.case_number, i.item_number;

-- name: retrospective-requests
-- How common are retrospective requests (a past date of service) in each category, and are they decided differently?
.print '== retrospective-requests: How common are retrospective requests (a past date of service) in each category, and are they decided differently?'
SELECT category,
       count(*) FILTER (WHERE retrospective)               AS retrospective,
       count(*)                                            AS items,
       round(100.0 * count(*) FILTER (WHERE retrospective AND outcome = 'overturned')
             / nullif(count(*) FILTER (WHERE retrospective), 0), 1) AS retro_overturn_pct,
       round(100.0 * count(*) FILTER (WHERE NOT retrospective AND outcome = 'overturned')
             / nullif(count(*) FILTER (WHERE NOT retrospective), 0), 1) AS prospective_overturn_pct
FROM items
GROUP BY category
ORDER BY retrospective DESC, category;

-- name: reviewer-specialty-mix
-- Which specialties do the expert reviewers hold, and how do their decisions compare?
.print '== reviewer-specialty-mix: Which specialties do the expert reviewers hold, and how do their decisions compare?'
WITH specialty AS (
    SELECT letter_id, unnest(reviewer_specialties) AS specialty FROM letters
)
SELECT s.specialty,
       count(DISTINCT s.letter_id)                         AS letters,
       count(i.item_number)                                AS items,
       round(100.0 * count(i.item_number) FILTER (WHERE i.outcome = 'overturned')
             / nullif(count(i.item_number), 0), 1)         AS overturn_pct
FROM specialty s
LEFT JOIN items i USING (letter_id)
GROUP BY s.specialty
ORDER BY letters DESC, s.specialty;

-- name: decisions-per-month
-- How many letters and items were decided each month?
.print '== decisions-per-month: How many letters and items were decided each month?'
SELECT date_trunc('month', l.decision_date)::DATE           AS month,
       count(DISTINCT l.letter_id)                         AS letters,
       count(i.item_number)                                AS items,
       count(i.item_number) FILTER (WHERE i.outcome = 'overturned') AS overturned
FROM letters l
LEFT JOIN items i USING (letter_id)
GROUP BY 1
ORDER BY month NULLS LAST;

-- name: items-per-letter
-- How many disputed items does a letter decide?
.print '== items-per-letter: How many disputed items does a letter decide?'
SELECT n_items, count(*) AS letters
FROM letters
GROUP BY n_items
ORDER BY n_items;

-- name: rejects-by-reason
-- What could not go into the dataset, at which stage and why (with one example detail per reason)?
.print '== rejects-by-reason: What could not go into the dataset, at which stage and why (with one example detail per reason)?'
SELECT stage, reason, count(*) AS rejects, min(detail) AS example_detail
FROM rejects
GROUP BY stage, reason
ORDER BY rejects DESC, stage, reason;

-- name: items-with-reviewer-citations
-- Each item with every guideline document the reviewer cited for it (join of items to citations).
.print '== items-with-reviewer-citations: Each item with every guideline document the reviewer cited for it (join of items to citations).'
SELECT i.letter_id, i.item_number, i.item_text, i.outcome,
       c.citation_number, c.source, c.document, c.sections, c.pages
FROM items i
LEFT JOIN citations c
       ON c.letter_id = i.letter_id AND c.item_number = i.item_number AND c.cited_by = 'reviewer'
ORDER BY i.letter_id, i.item_number, c.citation_number;

-- name: overturn-rate-by-guideline-source
-- Does the guideline the reviewer relied on (MTUS, ODG, ...) go with a different overturn rate?
.print '== overturn-rate-by-guideline-source: Does the guideline the reviewer relied on (MTUS, ODG, ...) go with a different overturn rate?'
SELECT guideline_source,
       count(*)                                            AS items,
       round(100.0 * count(*) FILTER (WHERE outcome = 'overturned') / count(*), 1) AS overturn_pct
FROM items
GROUP BY guideline_source
ORDER BY items DESC, guideline_source;

-- name: reviewer-vs-claims-administrator-documents
-- How often does the reviewer cite a document the claims administrator did not?
.print '== reviewer-vs-claims-administrator-documents: How often does the reviewer cite a document the claims administrator did not?'
SELECT r.source,
       count(*)                                            AS reviewer_citations,
       count(*) FILTER (WHERE ca.document IS NULL)         AS not_cited_by_claims_administrator
FROM citations r
LEFT JOIN citations ca
       ON ca.letter_id = r.letter_id AND ca.item_number = r.item_number
      AND ca.cited_by = 'claims_administrator' AND ca.document = r.document
WHERE r.cited_by = 'reviewer' AND r.document IS NOT NULL
GROUP BY r.source
ORDER BY reviewer_citations DESC, r.source;
