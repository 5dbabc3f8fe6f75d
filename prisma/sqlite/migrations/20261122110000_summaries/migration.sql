-- CreateTable
CREATE TABLE "summaries" (
    "conversation_id" TEXT NOT NULL PRIMARY KEY,
    "through_seq" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    CONSTRAINT "summaries_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
