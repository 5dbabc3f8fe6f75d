-- Search-index upkeep in time linear in what a message stores, in SQL that SQLite 3.37 and
-- later can read (Debian's sqlite3 3.40, Python's sqlite3 module, DB browsers).
--
-- 1. tool_calls_fts_after_insert recomputed its message's "calls" text for EVERY call inserted,
--    and FTS5 re-tokenizes the whole row on each update: one assistant message with 128 calls
--    of 32 KiB re-tokenized ~256 MiB (77 s, holding the write lock). The server now inserts a
--    message's tool calls in descending position (src/history/append.ts, insertBatch), so all
--    of them are present when position 0 arrives, and the text is computed once, then. A call
--    inserted while position 0 is already there (raw SQL in ascending order) still recomputes:
--    the index stays right whatever the order, only slower.
-- 2. Deleting a message cascades to its tool calls, and each deleted call recomputed the text
--    of the message being deleted: quadratic again, on rewind and conversation delete. SQLite
--    deletes the parent row before running the cascade, so a call whose message is gone now
--    leaves the index alone (the message's own delete trigger removes its row).
-- 3. group_concat(… ORDER BY …) is SQLite 3.44 syntax: older versions refuse the whole schema
--    ("malformed database schema") on any query. The calls are ordered in a subquery instead,
--    whose rows group_concat joins in the order they come (SQLite does not flatten an ordered
--    subquery into an aggregate).

DROP TRIGGER "tool_calls_fts_after_insert";
DROP TRIGGER "tool_calls_fts_after_update";
DROP TRIGGER "tool_calls_fts_after_delete";

CREATE TRIGGER "tool_calls_fts_after_insert" AFTER INSERT ON "tool_calls"
WHEN EXISTS (SELECT 1 FROM "tool_calls" WHERE "message_id" = new."message_id" AND "position" = 0)
BEGIN
    UPDATE "messages_fts"
    SET "calls" = (SELECT group_concat("text", ' ') FROM (
                       SELECT "name" || ' ' || "arguments" AS "text" FROM "tool_calls"
                       WHERE "message_id" = new."message_id" ORDER BY "position"))
    WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = new."message_id");
END;

CREATE TRIGGER "tool_calls_fts_after_update" AFTER UPDATE ON "tool_calls" BEGIN
    UPDATE "messages_fts"
    SET "calls" = (SELECT group_concat("text", ' ') FROM (
                       SELECT "name" || ' ' || "arguments" AS "text" FROM "tool_calls"
                       WHERE "message_id" = old."message_id" ORDER BY "position"))
    WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = old."message_id");
    UPDATE "messages_fts"
    SET "calls" = (SELECT group_concat("text", ' ') FROM (
                       SELECT "name" || ' ' || "arguments" AS "text" FROM "tool_calls"
                       WHERE "message_id" = new."message_id" ORDER BY "position"))
    WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = new."message_id");
END;

CREATE TRIGGER "tool_calls_fts_after_delete" AFTER DELETE ON "tool_calls"
WHEN EXISTS (SELECT 1 FROM "messages" WHERE "id" = old."message_id")
BEGIN
    UPDATE "messages_fts"
    SET "calls" = (SELECT group_concat("text", ' ') FROM (
                       SELECT "name" || ' ' || "arguments" AS "text" FROM "tool_calls"
                       WHERE "message_id" = old."message_id" ORDER BY "position"))
    WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = old."message_id");
END;
