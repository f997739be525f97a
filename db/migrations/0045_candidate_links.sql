-- 0045_candidate_links: the model a candidate belongs to (normalised key, how it was linked) and its headline flag.
ALTER TABLE candidates ADD COLUMN model_key VARCHAR;
ALTER TABLE candidates ADD COLUMN scope VARCHAR;          -- model | main_model | all_models
ALTER TABLE candidates ADD COLUMN headline BOOLEAN DEFAULT false;
ALTER TABLE candidates ADD COLUMN headline_reason VARCHAR; -- abstract | main_table | best_own_row | ...
