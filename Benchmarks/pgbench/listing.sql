-- The statement behind an anonymous GET /api/v1/projects?trade=… (ProjectQueries.listStatements), one trade at random.
\set t random(1, 20)
SELECT p.*, (SELECT COUNT(*) FROM bids b WHERE b.project_id = p.id AND b.status <> 'WITHDRAWN') AS bid_count,
  COUNT(*) OVER () AS total_count FROM projects p
  WHERE p.status <> 'DRAFT' AND p.visibility = 'PUBLIC' AND p.status = 'OPEN'
    AND p.trades LIKE (SELECT pattern FROM bench_trades WHERE n = :t)
  ORDER BY p.created_at DESC, p.id DESC LIMIT 20 OFFSET 0;
