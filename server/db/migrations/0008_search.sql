-- Message search (GET /search): the terms of shared/search_text.py, computed by the server in Python (no
-- pg_trgm, unaccent or ICU locale needed) and stored in the transaction that sends or edits the message.
-- NULL: a tombstone, or a message stored before this migration and not yet indexed (server/services/
-- search_index.py fills those in at start); an empty tsvector: a message with nothing to search for (files only).
ALTER TABLE messages ADD COLUMN search_terms tsvector;
CREATE INDEX messages_search ON messages USING gin (search_terms);
-- What the backfill still has to do; stays empty once it is done, as every new message comes with its terms.
CREATE INDEX messages_unindexed ON messages (id) WHERE search_terms IS NULL AND deleted_at IS NULL;
