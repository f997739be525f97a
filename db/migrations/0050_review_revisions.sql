-- 0050_review_revisions: a verdict that changes the poster's own earlier verdict names the event it revises.
ALTER TABLE review_events ADD COLUMN revises VARCHAR;
