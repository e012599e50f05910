-- The statements of BidActions.submit's transaction (8 with BEGIN and COMMIT): the project read under its share lock,
-- the company read, the bid insert (the partial unique index refuses a second live bid), the first revision, the
-- invitation mark, the outbox event, and last the month's counter upsert (the company's shared row lock, held
-- briefly). pgbench does not dispatch; BidForge's figure does.
\set c random(1, 200)
\set p random(1, 20000)
BEGIN;
SELECT * FROM projects WHERE id = (SELECT project_id FROM bench_open WHERE n = :p) FOR SHARE;
SELECT * FROM companies WHERE id = (SELECT company_id FROM bench_bidders WHERE n = :c);
INSERT INTO bids (id, project_id, company_id, submitted_by, status, amount_cents, currency, notes, line_items, exclusions,
                  acknowledged_addendum, valid_until, revision, created_at, updated_at)
  SELECT gen_random_uuid(), o.project_id, b.company_id, b.user_id, 'SUBMITTED', 1500000, 'USD', '',
         '[{"description":"Work","trade":"03","quantity":1,"unit":"LS","unitPriceCents":1500000,"totalCents":1500000}]', '[]',
         0, NULL, 1, now(), now()
  FROM bench_open o, bench_bidders b WHERE o.n = :p AND b.n = :c
  ON CONFLICT (project_id, company_id) WHERE status = 'SUBMITTED' DO NOTHING;
INSERT INTO bid_revisions (id, bid_id, company_id, revision, amount_cents, currency, notes, line_items, exclusions,
                           acknowledged_addendum, valid_until, created_by, created_at)
  SELECT gen_random_uuid(), b.id, b.company_id, 1, 1500000, 'USD', '', '[]', '[]', 0, NULL, b.submitted_by, now()
  FROM bids b WHERE b.project_id = (SELECT project_id FROM bench_open WHERE n = :p)
    AND b.company_id = (SELECT company_id FROM bench_bidders WHERE n = :c) AND b.status = 'SUBMITTED'
  ON CONFLICT DO NOTHING;
UPDATE invitations SET status = 'BID_SUBMITTED', responded_at = now()
  WHERE project_id = (SELECT project_id FROM bench_open WHERE n = :p) AND company_id = (SELECT company_id FROM bench_bidders WHERE n = :c);
-- Marked dispatched: BidForge's own dispatcher must not pick up pgbench's rows later.
INSERT INTO outbox_events (type, company_id, payload, created_at, dispatched_at, attempts)
  VALUES ('bid.submitted', (SELECT company_id FROM bench_bidders WHERE n = :c), '{}', now(), now(), 0);
INSERT INTO company_bid_months (company_id, month, bids)
  VALUES ((SELECT company_id FROM bench_bidders WHERE n = :c), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM'), 1)
  ON CONFLICT (company_id, month) DO UPDATE SET bids = company_bid_months.bids + 1 RETURNING bids;
COMMIT;
