-- 0110_forward_ops: results paired with the operations per forward pass of the same entry (imported facts of kind
-- forward_ops: Thompson et al.'s flops, else 2 x multiadds). A measure of model size, not of training compute: it
-- has its own view, and never enters compute_estimates, fit_inputs or model records. Same columns as fit_inputs.
CREATE VIEW forward_ops_inputs AS
SELECT r.benchmark, r.metric, r.value, r.source AS result_source, f.source AS compute_source,
       r.entry_id, r.paper, r.model, coalesce(r.year, f.year) AS year, f.domain,
       'forward_ops' AS quantity, 'forward_pass' AS convention, json_extract_string(f.fields, '$.from') AS method,
       TRY_CAST(json_extract_string(f.fields, '$.flop') AS DOUBLE) AS flop,
       CAST(NULL AS DOUBLE) AS flop_low, CAST(NULL AS DOUBLE) AS flop_high,
       f.fact_id AS estimate_id, [r.fact_id, f.fact_id] AS fact_ids, 'entry' AS match
FROM benchmark_results r JOIN imported_facts f ON f.entry_id = r.entry_id AND f.kind = 'forward_ops';
