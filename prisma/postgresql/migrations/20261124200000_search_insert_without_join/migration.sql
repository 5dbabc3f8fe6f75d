-- The search index's insert trigger no longer joins the whole key map to find the keys it has
-- just made: the map insert hands them back (RETURNING), joined only with the statement's new
-- rows. Why: PL/pgSQL keeps each statement's plan for the life of a connection, and a plan made
-- while "messages_fts_map" was nearly empty (a new database) may scan the map once per new row.
-- With the map grown to ~100k rows before statistics caught up, a fork of 20,000 messages took
-- 28-44 s instead of ~1.5 s in some runs of the hostile suite. Behaviour is unchanged: a
-- message stored without its conversation is still left out of the index.
CREATE OR REPLACE FUNCTION "chat_history_messages_fts_insert"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH "keys" AS (
        INSERT INTO "messages_fts_map" ("message_id", "owner", "conversation_id", "role", "created_at")
        SELECT n."id", c."owner", n."conversation_id", n."role", n."created_at"
        FROM "new_messages" n JOIN "conversations" c ON c."id" = n."conversation_id"
        ORDER BY n."conversation_id", n."seq"
        RETURNING "fts_rowid", "message_id"
    )
    INSERT INTO "messages_fts" ("fts_rowid", "document")
    SELECT k."fts_rowid", "chat_history_search_vector"(n."content", NULL)
    FROM "keys" k JOIN "new_messages" n ON n."id" = k."message_id";
    RETURN NULL;
END $$;
