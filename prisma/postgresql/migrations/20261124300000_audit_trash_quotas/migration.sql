-- Issue 13: the audit trail, the trash, retention and quotas.
--
-- Conversations: stored bytes (the byte quota), a retention deadline, and the trash state.
ALTER TABLE "conversations" ADD COLUMN "bytes" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "expires_at" TIMESTAMPTZ(3),
ADD COLUMN "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN "purge_at" TIMESTAMPTZ(3),
ADD COLUMN "trashed_key" TEXT;
CREATE INDEX "conversations_owner_deleted_at_idx" ON "conversations"("owner", "deleted_at");
CREATE INDEX "conversations_purge_at_idx" ON "conversations"("purge_at");
CREATE INDEX "conversations_expires_at_idx" ON "conversations"("expires_at");

-- Each message's bytes as the quota counts them: the UTF-8 bytes of its content, metadata (as
-- stored) and tool-call arguments, the measure of messageBytes() in history/core/limits.ts that
-- the batch limit uses too. The search index's update triggers name the columns they index, so
-- this backfill does not fire them.
ALTER TABLE "messages" ADD COLUMN "bytes" INTEGER NOT NULL DEFAULT 0;
UPDATE "messages" m SET "bytes" =
    COALESCE(octet_length(m."content"), 0) + COALESCE(octet_length(m."metadata"), 0)
  + COALESCE((SELECT SUM(octet_length(t."arguments")) FROM "tool_calls" t WHERE t."message_id" = m."id"), 0);
UPDATE "conversations" c SET "bytes" =
    COALESCE((SELECT SUM(m."bytes") FROM "messages" m WHERE m."conversation_id" = c."id"), 0);

CREATE TABLE "owner_usage" (
    "owner" TEXT NOT NULL,
    "conversations" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "max_conversations" INTEGER,
    "max_bytes" BIGINT,

    CONSTRAINT "owner_usage_pkey" PRIMARY KEY ("owner")
);
INSERT INTO "owner_usage" ("owner", "conversations", "bytes")
SELECT "owner", COUNT(*), SUM("bytes") FROM "conversations" GROUP BY "owner";

CREATE TABLE "audit_events" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "owner" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT,
    "operation" TEXT NOT NULL,
    "conversation_id" TEXT,
    "first_seq" INTEGER,
    "last_seq" INTEGER,
    "messages" INTEGER,
    "bytes" BIGINT,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_events_owner_id_idx" ON "audit_events"("owner", "id");
CREATE INDEX "audit_events_owner_conversation_id_id_idx" ON "audit_events"("owner", "conversation_id", "id");
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");
