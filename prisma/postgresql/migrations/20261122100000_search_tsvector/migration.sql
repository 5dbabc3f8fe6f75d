-- Full-text search over messages on PostgreSQL (tool search_messages): the same searches as
-- FTS5 on SQLite (migration 20261122100000_search_fts there; query rules in
-- src/history/search-query.ts), with one tsvector per message in "messages_fts" behind a
-- GIN index. Triggers keep it in sync on every write path (append, fork, import, rewind,
-- conversation delete with its FK cascade, raw SQL), as on SQLite.
--
-- messages_fts_map (in schema.prisma, created by the init migration) gives each message a
-- stable integer key and carries what a search filters on (owner, conversation, role, time).
-- messages_fts is not modelled (Prisma has no tsvector type): test/support/schema-engine.ts
-- declares it an external table for the drift check.

-- Text as search sees it, the way FTS5's `unicode61 remove_diacritics 2` tokenizer does:
-- lower case, diacritics removed (NFD, then the combining marks dropped), every run of
-- characters that are not letters or digits becomes one space. ICU's root collation makes
-- lower() and [[:alnum:]] Unicode-aware whatever the database's locale (a "C" database
-- would treat every non-ASCII letter as a separator). What is left is words of letters and
-- digits separated by single spaces, which the 'simple' configuration indexes as they are
-- (no stemming, no stop words: as unicode61). Only the first 100,000 characters are indexed:
-- a tsvector is limited to 1 MB and positions stop at 16,383, so text beyond could not be
-- matched reliably anyway.
CREATE FUNCTION "chat_history_search_text"("input" TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(
        regexp_replace(
            normalize(lower(left("input", 100000) COLLATE "und-x-icu"), NFD) COLLATE "und-x-icu",
            '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'),
        '[^[:alnum:]]+', ' ', 'g'))
$$;

-- A message's document: its content (weight A) and its tool calls, each function name then
-- arguments in call order (weight B), the two columns of the FTS5 table. A phrase cannot span
-- the two, as in FTS5.
CREATE FUNCTION "chat_history_search_vector"("content" TEXT, "calls" TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple'::regconfig, coalesce("chat_history_search_text"("content"), '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce("chat_history_search_text"("calls"), '')), 'B')
$$;

-- One word or "phrase" of a search (see src/history/search-query.ts): its words must appear
-- in this order, next to each other; with `prefix` the last one may be the start of a word.
-- The normalised text holds only letters, digits and single spaces, so building tsquery
-- syntax from it cannot inject operators. NULL when nothing searchable is left: a search
-- with such a part matches nothing (as an empty FTS5 phrase does).
CREATE FUNCTION "chat_history_search_query"("words" TEXT, "prefix" BOOLEAN) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN "n" IS NULL OR "n" = '' THEN NULL
        WHEN "prefix" THEN to_tsquery('simple'::regconfig, replace("n", ' ', ' <-> ') || ':*')
        ELSE phraseto_tsquery('simple'::regconfig, "n")
    END
    FROM (SELECT "chat_history_search_text"("words") AS "n") AS "normalised"
$$;

-- The tool-call text of one message, as indexed.
CREATE FUNCTION "chat_history_search_calls"("message" TEXT) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_agg("name" || ' ' || "arguments", ' ' ORDER BY "position")
    FROM "tool_calls" WHERE "message_id" = "message"
$$;

-- CreateTable
CREATE TABLE "messages_fts" (
    "fts_rowid" INTEGER NOT NULL,
    "document" tsvector NOT NULL,

    CONSTRAINT "messages_fts_pkey" PRIMARY KEY ("fts_rowid"),
    CONSTRAINT "messages_fts_fts_rowid_fkey" FOREIGN KEY ("fts_rowid") REFERENCES "messages_fts_map"("fts_rowid") ON DELETE CASCADE
);

CREATE INDEX "messages_fts_document_idx" ON "messages_fts" USING GIN ("document");

-- New messages, once per statement (an append of 100 messages is one INSERT): a key in the
-- map (INSERT … SELECT: a message stored without its conversation is left out instead of
-- half-indexed), then the document. Tool calls come later, in their own statement.
CREATE FUNCTION "chat_history_messages_fts_insert"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "messages_fts_map" ("message_id", "owner", "conversation_id", "role", "created_at")
    SELECT n."id", c."owner", n."conversation_id", n."role", n."created_at"
    FROM "new_messages" n JOIN "conversations" c ON c."id" = n."conversation_id"
    ORDER BY n."conversation_id", n."seq";
    INSERT INTO "messages_fts" ("fts_rowid", "document")
    SELECT k."fts_rowid", "chat_history_search_vector"(n."content", NULL)
    FROM "new_messages" n JOIN "messages_fts_map" k ON k."message_id" = n."id";
    RETURN NULL;
END $$;

CREATE TRIGGER "messages_fts_after_insert" AFTER INSERT ON "messages"
REFERENCING NEW TABLE AS "new_messages"
FOR EACH STATEMENT EXECUTE FUNCTION "chat_history_messages_fts_insert"();

-- Removed messages (rewind, or the cascade of a conversation delete): their key goes, and
-- the document with it (ON DELETE CASCADE above).
CREATE FUNCTION "chat_history_messages_fts_delete"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM "messages_fts_map" k USING "old_messages" o WHERE k."message_id" = o."id";
    RETURN NULL;
END $$;

CREATE TRIGGER "messages_fts_after_delete" AFTER DELETE ON "messages"
REFERENCING OLD TABLE AS "old_messages"
FOR EACH STATEMENT EXECUTE FUNCTION "chat_history_messages_fts_delete"();

-- Nothing in the server edits a stored message; should anything ever do, search follows.
CREATE FUNCTION "chat_history_messages_fts_update"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "messages_fts_map"
    SET "message_id" = NEW."id",
        "owner" = (SELECT "owner" FROM "conversations" WHERE "id" = NEW."conversation_id"),
        "conversation_id" = NEW."conversation_id",
        "role" = NEW."role",
        "created_at" = NEW."created_at"
    WHERE "message_id" = OLD."id";
    IF NEW."content" IS DISTINCT FROM OLD."content" THEN
        UPDATE "messages_fts"
        SET "document" = "chat_history_search_vector"(NEW."content", "chat_history_search_calls"(NEW."id"))
        WHERE "fts_rowid" = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = NEW."id");
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER "messages_fts_after_update"
AFTER UPDATE OF "id", "conversation_id", "role", "created_at", "content" ON "messages"
FOR EACH ROW EXECUTE FUNCTION "chat_history_messages_fts_update"();

-- Tool calls are stored after their message (they reference it): recompute the document of
-- every message whose calls were added, changed or removed, once per statement. When the
-- message itself is gone (cascade) there is no key and nothing to update.
CREATE FUNCTION "chat_history_tool_calls_fts_refresh"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "messages_fts" f
    SET "document" = "chat_history_search_vector"(m."content", "chat_history_search_calls"(m."id"))
    FROM "messages_fts_map" k JOIN "messages" m ON m."id" = k."message_id"
    WHERE f."fts_rowid" = k."fts_rowid"
      AND k."message_id" IN (
          SELECT "message_id" FROM "changed_calls"
      );
    RETURN NULL;
END $$;

CREATE TRIGGER "tool_calls_fts_after_insert" AFTER INSERT ON "tool_calls"
REFERENCING NEW TABLE AS "changed_calls"
FOR EACH STATEMENT EXECUTE FUNCTION "chat_history_tool_calls_fts_refresh"();

CREATE TRIGGER "tool_calls_fts_after_delete" AFTER DELETE ON "tool_calls"
REFERENCING OLD TABLE AS "changed_calls"
FOR EACH STATEMENT EXECUTE FUNCTION "chat_history_tool_calls_fts_refresh"();

-- An update may move a call between messages: refresh both sides (two statement triggers,
-- one sees the old rows and one the new).
CREATE TRIGGER "tool_calls_fts_after_update_old" AFTER UPDATE ON "tool_calls"
REFERENCING OLD TABLE AS "changed_calls"
FOR EACH STATEMENT EXECUTE FUNCTION "chat_history_tool_calls_fts_refresh"();

CREATE TRIGGER "tool_calls_fts_after_update_new" AFTER UPDATE ON "tool_calls"
REFERENCING NEW TABLE AS "changed_calls"
FOR EACH STATEMENT EXECUTE FUNCTION "chat_history_tool_calls_fts_refresh"();

-- Nothing in this server moves a conversation to another owner; should anything ever do,
-- its messages' search rows follow.
CREATE FUNCTION "chat_history_conversations_fts_owner"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "messages_fts_map" SET "owner" = NEW."owner" WHERE "conversation_id" = NEW."id";
    RETURN NULL;
END $$;

CREATE TRIGGER "conversations_fts_after_update_owner" AFTER UPDATE OF "owner" ON "conversations"
FOR EACH ROW WHEN (OLD."owner" IS DISTINCT FROM NEW."owner")
EXECUTE FUNCTION "chat_history_conversations_fts_owner"();
