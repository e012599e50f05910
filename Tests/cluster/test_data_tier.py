"""The data tier of `scripts/cluster`: a PostgreSQL primary, two streaming replicas, PgBouncer in front of the primary,
three instances routing lag-tolerant reads to the replicas. Driven over HTTP and psql; figures printed with `-s`.
"""
import concurrent.futures
import json
import os
import subprocess
import threading
import time
import uuid

import pytest

from test_cluster import BASE, DIR, INSTANCES, ROOT, URL, call, cluster, pytestmark, register, project_body  # noqa: F401

FIGURES = {}
REPLICAS = ("replica1", "replica2")
MAX_LAG_MS = 1000


@pytest.fixture(scope="module", autouse=True)
def running_cluster():
    cluster("start", "--detach")
    yield
    cluster("stop", check=False)
    print("\ndata tier figures:", json.dumps(FIGURES, indent=2))


def psql(server, sql):
    env = dict(os.environ, CLUSTER_DIR=DIR, CLUSTER_PORT=str(BASE))
    result = subprocess.run([str(ROOT / "scripts/cluster"), "psql", server, "-At", "-c", sql], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def database_visits():
    """db_queries_total by target, summed over the three instances."""
    from prometheus_client.parser import text_string_to_metric_families
    totals = {}
    for url in INSTANCES.values():
        status, _, raw, _ = call("GET", f"{url}/metrics")
        assert status == 200
        for family in text_string_to_metric_families(raw.decode()):
            if family.name == "db_queries":
                for sample in family.samples:
                    if sample.name == "db_queries_total":
                        target = sample.labels["target"]
                        totals[target] = totals.get(target, 0) + sample.value
    return totals


def replicas_check():
    status, _, body, _ = call("GET", f"{URL}/api/health")
    return body["checks"]["replicas"]


def draft(owner):
    status, _, body, _ = call("POST", f"{URL}/api/v1/projects", project_body(), token=owner["token"])
    assert status == 201, body
    return body["id"]


def test_the_replicas_stream_from_the_primary_and_health_lists_them():
    for replica in REPLICAS:
        assert psql(replica, "SELECT pg_is_in_recovery()") == "t"
    assert psql("postgres", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "2"
    check = replicas_check()
    assert check["status"] == "ok", check


def test_ten_thousand_writes_then_reads_across_three_instances_never_miss_the_callers_own_write():
    names = list(INSTANCES)
    users = [register("OWNER", client_ip=f"198.51.100.{60 + i}") for i in range(8)]
    projects = [draft(user) for user in users]
    before = database_visits()
    misses, errors = [], []
    iterations = 10_000

    def loop(index):
        user, project = users[index], projects[index]
        for step in range(iterations // len(users)):
            title = f"Rev {step} {uuid.uuid4().hex[:6]}"
            writer = INSTANCES[names[step % 3]]
            reader = INSTANCES[names[(step + 1 + index) % 3]]  # always another instance than the writer
            status, headers, body, _ = call("PATCH", f"{writer}/api/v1/projects/{project}", {"title": title},
                                            token=user["token"])
            if status != 200:
                errors.append(("write", status, str(body)[:200]))
                continue
            assert "x-consistency-token" in headers, headers
            status, _, body, _ = call("GET", f"{reader}/api/v1/projects?mine=true", token=user["token"])
            if status != 200:
                errors.append(("read", status, str(body)[:200]))
            elif [p["title"] for p in body["data"] if p["id"] == project] != [title]:
                misses.append((step, title, [p["title"] for p in body["data"]]))

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(len(users)) as pool:
        list(pool.map(loop, range(len(users))))
    elapsed = time.monotonic() - started
    after = database_visits()
    visits = {target: after.get(target, 0) - before.get(target, 0) for target in after}
    FIGURES["own_write_loop"] = {"iterations": iterations, "seconds": round(elapsed, 1), "misses": len(misses),
                                 "errors": len(errors), "database_visits": visits}
    assert not errors, errors[:5]
    assert not misses, misses[:5]
    # Every read was routed; some found a replica that had already replayed the write just made.
    assert sum(visits.values()) >= 2 * iterations
    assert sum(visits.get(r, 0) for r in REPLICAS) > 0, visits


def test_another_clients_write_reaches_both_replicas_within_the_lag_budget():
    owner = register("OWNER", client_ip="198.51.100.80")
    delays = []
    for _ in range(20):
        title = f"Lag probe {uuid.uuid4().hex[:8]}"
        status, _, body, _ = call("POST", f"{URL}/api/v1/projects", dict(project_body(), title=title),
                                  token=owner["token"])
        assert status == 201, body
        answered = time.monotonic()
        for replica in REPLICAS:
            deadline = answered + MAX_LAG_MS / 1000
            while psql(replica, f"SELECT count(*) FROM projects WHERE title = '{title}'") != "1":
                assert time.monotonic() < deadline, f"{replica} lacks a write after {MAX_LAG_MS} ms"
                time.sleep(0.005)
            delays.append((time.monotonic() - answered) * 1000)
    FIGURES["replica_visible_ms"] = {"max": round(max(delays), 1), "median": round(sorted(delays)[len(delays) // 2], 1)}


def reads_under_load(owner, seconds, during):
    """Listings from 6 threads over the three instances while `during()` runs; → (requests, failures)."""
    stop = threading.Event()
    failures, count = [], [0]

    def loop(index):
        n = index
        while not stop.is_set():
            url = list(INSTANCES.values())[n % 3]
            n += 1
            status, _, body, took = call("GET", f"{url}/api/v1/projects?mine=true", token=owner["token"])
            count[0] += 1
            if status != 200:
                failures.append((status, str(body)[:160]))
            elif took > 2:
                failures.append(("slow", round(took, 2)))

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    during()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return count[0], failures


def test_killing_a_replica_under_load_moves_its_reads_without_errors():
    owner = register("OWNER", client_ip="198.51.100.81")
    draft(owner)
    requests, failures = reads_under_load(owner, 3, lambda: cluster("down", "replica1", "--kill"))
    check = replicas_check()
    FIGURES["replica_kill"] = {"requests": requests, "failures": len(failures), "health": check["status"]}
    # Reads in flight on the killed server are retried on the primary: nothing fails, nothing hangs.
    assert not failures, failures[:5]
    assert check["status"] == "degraded" and "replica1" in check["message"], check
    before = database_visits().get("replica1", 0)
    for _ in range(30):
        assert call("GET", f"{URL}/api/v1/projects?mine=true", token=owner["token"])[0] == 200
    assert database_visits().get("replica1", 0) == before, "a dead replica gets no reads"
    cluster("up", "replica1")
    back = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if replicas_check()["status"] == "ok":
            back = True
            break
        time.sleep(0.1)
    assert back, replicas_check()


def test_a_replica_whose_replay_is_paused_is_skipped_until_it_resumes():
    owner = register("OWNER", client_ip="198.51.100.82")
    project = draft(owner)
    psql("replica2", "SELECT pg_wal_replay_pause()")
    try:
        def writes():
            for step in range(5):
                call("PATCH", f"{URL}/api/v1/projects/{project}", {"title": f"Paused {step}"}, token=owner["token"])
                time.sleep(0.3)

        requests, failures = reads_under_load(owner, 1, writes)
        check = replicas_check()
        assert not failures, failures[:5]
        assert check["status"] == "degraded" and "replica2 (lagging)" in check["message"], check
        before = database_visits().get("replica2", 0)
        for _ in range(30):
            assert call("GET", f"{URL}/api/v1/projects?mine=true", token=owner["token"])[0] == 200
        assert database_visits().get("replica2", 0) == before, "a lagging replica gets no reads"
    finally:
        psql("replica2", "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 10
    while replicas_check()["status"] != "ok":
        assert time.monotonic() < deadline, replicas_check()
        time.sleep(0.05)
    FIGURES["paused_replica"] = {"requests_while_paused": requests, "failures": len(failures)}


def test_maintain_keeps_bid_years_ahead_on_the_primary():
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{BASE + 32}/postgres", LOG_LEVEL="error",
               DATA_DIR=f"{DIR}/maintain", AUTO_MIGRATE="false")
    binary = os.environ.get("BIDFORGE_BIN", str(ROOT / ".build/debug/bidforge"))
    this_year = time.gmtime().tm_year
    psql("postgres", f"DROP TABLE IF EXISTS bids_y{this_year + 2}")
    first = subprocess.run([binary, "maintain"], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    assert f"Created bids_y{this_year + 2}" in first.stdout, first.stdout
    second = subprocess.run([binary, "maintain"], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert "No partition was missing" in second.stdout, second.stdout
    # The replicas follow the primary's schema: the new year is there too.
    for replica in REPLICAS:
        deadline = time.monotonic() + 5
        while psql(replica, f"SELECT to_regclass('bids_y{this_year + 2}') IS NOT NULL") != "t":
            assert time.monotonic() < deadline, f"{replica} lacks the new partition"
            time.sleep(0.05)


ARCHIVED_TABLES = ["document_downloads", "conversation_reads", "messages", "conversations", "documents",
                   "bid_revisions", "bids", "questions", "invitations", "bid_due_reminders", "projects"]


def archive_fingerprint():
    """Per table, rows live + archived; and a checksum of every bid (id and amount) wherever it lives."""
    counts = {t: int(psql("postgres", f"SELECT (SELECT count(*) FROM {t}) + (SELECT count(*) FROM archived_{t})"))
              for t in ARCHIVED_TABLES}
    bids = psql("postgres", "SELECT md5(string_agg(id::text || ':' || amount_cents, ',' ORDER BY id)) FROM "
                            "(SELECT id, amount_cents FROM bids UNION ALL SELECT id, amount_cents FROM archived_bids) b")
    return counts, bids


def test_an_archive_killed_mid_run_and_run_again_loses_and_doubles_nothing():
    binary = os.environ.get("BIDFORGE_BIN", str(ROOT / ".build/debug/bidforge"))
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{BASE + 32}/postgres", LOG_LEVEL="error",
               DATA_DIR=f"{DIR}/archive", AUTO_MIGRATE="false", BCRYPT_COST="4")
    seeded = subprocess.run([binary, "seed", "--companies", "30", "--projects", "400", "--bids-per-project", "6",
                             "--seed", "11"], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert seeded.returncode == 0, seeded.stderr
    for bad, reason in ((["--older-than", "2w"], "--older-than must look like 2y, 18m or 30d"),
                        (["--older-than", "2y", "--batch", "0"], "--batch must be between 1 and 10000")):
        refused = subprocess.run([binary, "archive", *bad], env=env, capture_output=True, text=True, timeout=60,
                                 cwd=ROOT)
        assert refused.returncode == 1 and reason in refused.stdout + refused.stderr, refused.stdout + refused.stderr
    finished = int(psql("postgres", "SELECT count(*) FROM projects WHERE status IN ('AWARDED', 'CANCELLED')"))
    assert finished > 50
    before = archive_fingerprint()
    dry = subprocess.run([binary, "archive", "--older-than", "0d", "--dry-run"], env=env, capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert dry.returncode == 0 and f"Would archive {finished} projects" in dry.stdout, dry.stdout + dry.stderr
    assert "No REDIS_URL" not in dry.stdout + dry.stderr, "a dry run invalidates nothing, so it has nothing to warn of"
    assert archive_fingerprint() == before, "a dry run moves nothing"

    running = subprocess.Popen([binary, "archive", "--older-than", "0d", "--batch", "2"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 60
    while int(psql("postgres", "SELECT count(*) FROM archived_projects")) < 10:
        assert running.poll() is None, "the archive finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    running.kill()
    running.wait()
    # The server notices the dropped connection and rolls the batch in flight back.
    deadline = time.monotonic() + 10
    while psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' "
                           "OR (state = 'active' AND query LIKE '%archived_%' AND pid <> pg_backend_pid())") != "0":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    partly = int(psql("postgres", "SELECT count(*) FROM archived_projects"))
    assert 0 < partly < finished, partly
    assert archive_fingerprint() == before, "a kill leaves every row in exactly one place"

    again = subprocess.run([binary, "archive", "--older-than", "0d", "--batch", "50"], env=env, capture_output=True,
                           text=True, timeout=300, cwd=ROOT)
    assert again.returncode == 0, again.stderr
    assert f"Archived {finished - partly} projects" in again.stdout, again.stdout
    # Without the servers' Redis the command cannot clear their caches: it says so (this environment has no REDIS_URL).
    assert "No REDIS_URL" in again.stdout + again.stderr, again.stdout + again.stderr
    assert archive_fingerprint() == before, "nothing lost, nothing doubled"
    assert psql("postgres", "SELECT count(*) FROM projects WHERE status IN ('AWARDED', 'CANCELLED')") == "0"
    FIGURES["archive_kill_and_rerun"] = {"finished_projects": finished, "archived_before_the_kill": partly,
                                         "rows": before[0]}
