-- 0002_crawl: Papers-with-Code task/subdataset paths, download content types, and indexes for crawl look-ups.
ALTER TABLE pwc_results ADD COLUMN task_path VARCHAR;
ALTER TABLE pwc_results ADD COLUMN subdataset VARCHAR;
ALTER TABLE downloads ADD COLUMN content_type VARCHAR;
CREATE INDEX pwc_results_arxiv_id ON pwc_results (arxiv_id);
