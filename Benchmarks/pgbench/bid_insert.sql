-- The statements of BidActions.submit's transaction (5 between BEGIN and COMMIT, 6 for an invited bidder): the project
-- read under its share lock with the bidder's invitation and company (BidderStanding), the bid insert (its trigger writes
-- the bid's key, whose partial unique index refuses a second live bid: BidForge answers 409; pgbench, which stops a
-- client at any error, skips a pair that already has a live bid instead), the first revision, the invitation mark when there is an invitation, the
-- outbox event, and last the month's counter upsert (the company's shared row lock, held briefly). pgbench does not
-- dispatch; BidForge's figure does.
\set c random(1, 200)
\set p random(1, 20000)
BEGIN;
SELECT p.*, CASE WHEN EXISTS (SELECT 1 FROM invitations i WHERE i.project_id = p.id AND i.company_id = c.id) THEN 1 ELSE 0 END
         AS bidder_invited, c.name AS bidder_company_name, c.plan AS bidder_company_plan
  FROM projects p LEFT JOIN companies c ON c.id = (SELECT company_id FROM bench_bidders WHERE n = :c)
  WHERE p.id = (SELECT project_id FROM bench_open WHERE n = :p) FOR SHARE OF p \gset
INSERT INTO bids (id, project_id, company_id, submitted_by, status, amount_cents, currency, notes, line_items, exclusions,
                  acknowledged_addendum, valid_until, revision, created_at, updated_at)
  SELECT gen_random_uuid(), o.project_id, b.company_id, b.user_id, 'SUBMITTED', 1500000, 'USD', '',
         '[{"description":"Work","trade":"03","quantity":1,"unit":"LS","unitPriceCents":1500000,"totalCents":1500000}]', '[]',
         0, NULL, 1, now(), now()
  FROM bench_open o, bench_bidders b WHERE o.n = :p AND b.n = :c
    AND NOT EXISTS (SELECT 1 FROM bid_keys k WHERE k.project_id = o.project_id AND k.company_id = b.company_id AND k.live);
INSERT INTO bid_revisions (id, bid_id, company_id, revision, amount_cents, currency, notes, line_items, exclusions,
                           acknowledged_addendum, valid_until, created_by, created_at)
  SELECT gen_random_uuid(), b.id, b.company_id, 1, 1500000, 'USD', '', '[]', '[]', 0, NULL, b.submitted_by, now()
  FROM bids b WHERE b.project_id = (SELECT project_id FROM bench_open WHERE n = :p)
    AND b.company_id = (SELECT company_id FROM bench_bidders WHERE n = :c) AND b.status = 'SUBMITTED'
  ON CONFLICT DO NOTHING;
\if :bidder_invited
UPDATE invitations SET status = 'BID_SUBMITTED', responded_at = now()
  WHERE project_id = (SELECT project_id FROM bench_open WHERE n = :p) AND company_id = (SELECT company_id FROM bench_bidders WHERE n = :c);
\endif
-- Marked dispatched: BidForge's own dispatcher must not pick up pgbench's rows later.
INSERT INTO outbox_events (type, company_id, payload, created_at, dispatched_at, attempts)
  VALUES ('bid.submitted', (SELECT company_id FROM bench_bidders WHERE n = :c), '{}', now(), now(), 0);
INSERT INTO company_bid_months (company_id, month, bids)
  VALUES ((SELECT company_id FROM bench_bidders WHERE n = :c), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM'), 1)
  ON CONFLICT (company_id, month) DO UPDATE SET bids = company_bid_months.bids + 1 RETURNING bids;
COMMIT;
