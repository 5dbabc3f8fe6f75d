-- The whole model as Prisma's schema engine writes it for prisma/postgresql/schema.prisma
-- (printed by `npx jiti test/support/schema-engine.ts postgresql`). One migration for what
-- took four on SQLite: PostgreSQL support starts here. Search's tsvector table, functions
-- and triggers follow in 20261122100000_search_tsvector.

-- CreateTable
CREATE TABLE "conversations" (
    "id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "key" TEXT,
    "title" TEXT,
    "metadata" TEXT,
    "message_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT,
    "name" TEXT,
    "tool_call_id" TEXT,
    "metadata" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tool_calls" (
    "conversation_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arguments" TEXT NOT NULL,

    CONSTRAINT "tool_calls_pkey" PRIMARY KEY ("conversation_id","call_id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "conversation_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("conversation_id","key")
);

-- CreateTable
CREATE TABLE "summaries" (
    "conversation_id" TEXT NOT NULL,
    "through_seq" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "summaries_pkey" PRIMARY KEY ("conversation_id")
);

-- CreateTable
CREATE TABLE "messages_fts_map" (
    "fts_rowid" SERIAL NOT NULL,
    "message_id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "messages_fts_map_pkey" PRIMARY KEY ("fts_rowid")
);

-- CreateTable
CREATE TABLE "access_tokens" (
    "id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "name" TEXT,
    "token_hash" TEXT NOT NULL,
    "service" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "access_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "conversations_owner_updated_at_id_idx" ON "conversations"("owner", "updated_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "conversations_owner_key_key" ON "conversations"("owner", "key");

-- CreateIndex
CREATE UNIQUE INDEX "messages_conversation_id_seq_key" ON "messages"("conversation_id", "seq");

-- CreateIndex
CREATE INDEX "tool_calls_message_id_position_idx" ON "tool_calls"("message_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "messages_fts_map_message_id_key" ON "messages_fts_map"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "access_tokens_token_hash_key" ON "access_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "access_tokens_owner_idx" ON "access_tokens"("owner");

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "summaries" ADD CONSTRAINT "summaries_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
