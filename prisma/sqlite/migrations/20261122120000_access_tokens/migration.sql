-- CreateTable
CREATE TABLE "access_tokens" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "name" TEXT,
    "token_hash" TEXT NOT NULL,
    "service" BOOLEAN NOT NULL DEFAULT false,
    "created_at" DATETIME NOT NULL,
    "revoked_at" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "access_tokens_token_hash_key" ON "access_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "access_tokens_owner_idx" ON "access_tokens"("owner");
