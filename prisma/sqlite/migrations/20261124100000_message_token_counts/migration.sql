-- Each message's token count for get_context (o200k_base), filled by the first get_context
-- that counts it; NULL until then. A summary's, counted by set_summary when it is stored. No trigger watches these columns (the search index's
-- update triggers name the columns they index), so filling them is one plain UPDATE.
ALTER TABLE "messages" ADD COLUMN "tokens_o200k" INTEGER;
ALTER TABLE "messages" ADD COLUMN "tokens_o200k_estimated" BOOLEAN;
ALTER TABLE "summaries" ADD COLUMN "tokens_o200k" INTEGER;
ALTER TABLE "summaries" ADD COLUMN "tokens_o200k_estimated" BOOLEAN;
