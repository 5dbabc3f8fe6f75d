-- Each message's token count for get_context (o200k_base), filled by the first get_context
-- that counts it; NULL until then. A summary's, counted by set_summary when it is stored.
-- Adding nullable columns rewrites no rows. The search index's update trigger names the
-- columns it indexes, so filling these does not fire it.
ALTER TABLE "messages" ADD COLUMN "tokens_o200k" INTEGER,
ADD COLUMN "tokens_o200k_estimated" BOOLEAN;

ALTER TABLE "summaries" ADD COLUMN "tokens_o200k" INTEGER,
ADD COLUMN "tokens_o200k_estimated" BOOLEAN;
