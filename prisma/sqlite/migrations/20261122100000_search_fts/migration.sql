-- Full-text search over messages (tool search_messages), kept in sync by triggers so that
-- every write path (append, fork, import, rewind, conversation delete with its FK cascade,
-- raw SQL) is covered without application code. SQLite fires row triggers for rows removed
-- by ON DELETE CASCADE whatever recursive_triggers says (test/search.test.ts checks it).
--
-- Why a map table: messages has a TEXT primary key, so its rowid is implicit and not stable
-- (SQLite documents that VACUUM may renumber it; a dump/restore or Prisma's table-rebuild
-- migrations, INSERT INTO new_messages SELECT … FROM messages, do renumber it). An FTS5
-- index keyed on that rowid would then silently point at the wrong messages. Instead each
-- message gets its own INTEGER key here, and the FTS5 table is a regular one (it keeps a copy
-- of the indexed text, so deletes need nothing but the key and snippet() has its text).
-- The map also carries what a search filters on (owner, conversation, role, time), none of
-- which changes after a message is stored: a search then reads one small row per matching
-- message instead of joining messages (large rows) and conversations for every match, which
-- halves the cost of searching a common word (measured on 100k messages).
--
-- messages_fts_map is modelled in schema.prisma (so the drift test covers it); it is written
-- ONLY by these triggers. The FTS5 virtual table and its shadow tables cannot be modelled:
-- test/support/schema-engine.ts declares them external tables for the drift check.
--
-- A later migration that rebuilds "messages" or "tool_calls" (DROP TABLE + RENAME) drops
-- their triggers with them: it must create the triggers below again.

-- CreateTable
CREATE TABLE "messages_fts_map" (
    "fts_rowid" INTEGER NOT NULL PRIMARY KEY,
    "message_id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "messages_fts_map_message_id_key" ON "messages_fts_map"("message_id");

-- What is searchable: the message content, and for an assistant message its tool calls
-- (function name and arguments of each, in call order).
CREATE VIRTUAL TABLE "messages_fts" USING fts5(
    "content",
    "calls",
    tokenize = 'unicode61 remove_diacritics 2'
);

-- INSERT … SELECT rather than VALUES: should a message ever be stored without its
-- conversation (foreign keys off), it is left out of the index instead of half-indexed.
CREATE TRIGGER "messages_fts_after_insert" AFTER INSERT ON "messages" BEGIN
    INSERT INTO "messages_fts_map" ("message_id", "owner", "conversation_id", "role", "created_at")
    SELECT new."id", c."owner", new."conversation_id", new."role", new."created_at"
    FROM "conversations" c WHERE c."id" = new."conversation_id";
    INSERT INTO "messages_fts" (rowid, "content")
    SELECT "fts_rowid", new."content" FROM "messages_fts_map" WHERE "message_id" = new."id";
END;

CREATE TRIGGER "messages_fts_after_update"
AFTER UPDATE OF "id", "conversation_id", "role", "created_at", "content" ON "messages" BEGIN
    UPDATE "messages_fts_map"
    SET "message_id" = new."id",
        "owner" = (SELECT "owner" FROM "conversations" WHERE "id" = new."conversation_id"),
        "conversation_id" = new."conversation_id",
        "role" = new."role",
        "created_at" = new."created_at"
    WHERE "message_id" = old."id";
    UPDATE "messages_fts" SET "content" = new."content"
    WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = new."id")
      AND new."content" IS NOT old."content";
END;

CREATE TRIGGER "messages_fts_after_delete" AFTER DELETE ON "messages" BEGIN
    DELETE FROM "messages_fts"
    WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = old."id");
    DELETE FROM "messages_fts_map" WHERE "message_id" = old."id";
END;

-- Nothing in this server moves a conversation to another owner; should anything ever do,
-- its messages' search rows follow (a scan of the map: acceptable for so rare an event).
CREATE TRIGGER "conversations_fts_after_update_owner" AFTER UPDATE OF "owner" ON "conversations" BEGIN
    UPDATE "messages_fts_map" SET "owner" = new."owner" WHERE "conversation_id" = new."id";
END;

-- (The calls are ordered in a subquery: this file first used group_concat(… ORDER BY …), SQLite
-- 3.44 syntax that the sqlite3 CLI, Python and DB browsers of older versions cannot parse; see
-- EARLIER_TEXTS in src/db/migrations.ts.)
-- Tool calls are stored after their message (they reference it): recompute the message's
-- "calls" text whenever one is added, changed or removed. When the message itself is gone
-- (cascade) the subquery finds no key and the UPDATE does nothing.
CREATE TRIGGER "tool_calls_fts_after_insert" AFTER INSERT ON "tool_calls" BEGIN
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

CREATE TRIGGER "tool_calls_fts_after_delete" AFTER DELETE ON "tool_calls" BEGIN
    UPDATE "messages_fts"
    SET "calls" = (SELECT group_concat("text", ' ') FROM (
                       SELECT "name" || ' ' || "arguments" AS "text" FROM "tool_calls"
                       WHERE "message_id" = old."message_id" ORDER BY "position"))
    WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = old."message_id");
END;

-- Index what is already stored (databases created before this migration).
INSERT INTO "messages_fts_map" ("message_id", "owner", "conversation_id", "role", "created_at")
SELECT m."id", c."owner", m."conversation_id", m."role", m."created_at"
FROM "messages" m JOIN "conversations" c ON c."id" = m."conversation_id"
ORDER BY m."conversation_id", m."seq";
INSERT INTO "messages_fts" (rowid, "content", "calls")
SELECT k."fts_rowid", m."content",
       (SELECT group_concat("text", ' ') FROM (
            SELECT t."name" || ' ' || t."arguments" AS "text" FROM "tool_calls" t
            WHERE t."message_id" = m."id" ORDER BY t."position"))
FROM "messages_fts_map" k JOIN "messages" m ON m."id" = k."message_id";
