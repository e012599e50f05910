-- The statements of BidsController.submit's transaction: lock the project (share) and the company (update), check for a
-- live bid and the month's count, insert the bid and its first revision, mark the invitation, record the outbox event.
\set c random(1, 200)
\set p random(1, 20000)
BEGIN;
SELECT id FROM projects WHERE id = (SELECT project_id FROM bench_open WHERE n = :p) FOR SHARE;
SELECT id FROM companies WHERE id = (SELECT company_id FROM bench_bidders WHERE n = :c) FOR UPDATE;
SELECT id FROM bids WHERE project_id = (SELECT project_id FROM bench_open WHERE n = :p)
  AND company_id = (SELECT company_id FROM bench_bidders WHERE n = :c) AND status = 'SUBMITTED' LIMIT 1;
SELECT COUNT(*) FROM bids WHERE company_id = (SELECT company_id FROM bench_bidders WHERE n = :c) AND created_at >= date_trunc('month', now());
WITH bid AS (
  INSERT INTO bids (id, project_id, company_id, submitted_by, status, amount_cents, currency, notes, line_items, exclusions,
                    acknowledged_addendum, valid_until, revision, created_at, updated_at)
  SELECT gen_random_uuid(), o.project_id, b.company_id, b.user_id, 'SUBMITTED', 1500000, 'USD', '',
         '[{"description":"Work","trade":"03","quantity":1,"unit":"LS","unitPriceCents":1500000,"totalCents":1500000}]', '[]',
         0, NULL, 1, now(), now()
  FROM bench_open o, bench_bidders b WHERE o.n = :p AND b.n = :c
  ON CONFLICT (project_id, company_id) WHERE status = 'SUBMITTED' DO NOTHING
  RETURNING id, company_id, submitted_by)
INSERT INTO bid_revisions (id, bid_id, company_id, revision, amount_cents, currency, notes, line_items, exclusions,
                           acknowledged_addendum, valid_until, created_by, created_at)
  SELECT gen_random_uuid(), id, company_id, 1, 1500000, 'USD', '', '[]', '[]', 0, NULL, submitted_by, now() FROM bid;
UPDATE invitations SET status = 'BID_SUBMITTED', responded_at = now()
  WHERE project_id = (SELECT project_id FROM bench_open WHERE n = :p) AND company_id = (SELECT company_id FROM bench_bidders WHERE n = :c);
-- Marked dispatched: BidForge's own dispatcher must not pick up pgbench's rows later.
INSERT INTO outbox_events (type, company_id, payload, created_at, dispatched_at, attempts)
  VALUES ('bid.submitted', (SELECT company_id FROM bench_bidders WHERE n = :c), '{}', now(), now(), 0);
COMMIT;
