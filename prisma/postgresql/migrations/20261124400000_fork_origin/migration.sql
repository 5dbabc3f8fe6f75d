-- Issue 14: a fork remembers where it branched (the viewer marks it; get_conversation shows it).
-- Forks made before this migration have no origin recorded.
ALTER TABLE "conversations" ADD COLUMN "forked_from" TEXT,
ADD COLUMN "forked_through_seq" INTEGER;
