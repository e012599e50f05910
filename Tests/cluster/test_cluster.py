"""The real cluster: `scripts/cluster` (PostgreSQL, Redis, three BidForge instances, nginx), driven over HTTP.

Run by scripts/test after the Swift tests (BIDFORGE_TEST_REQUIRE_CLUSTER=1 in CI makes missing services a failure).
Figures (spread, lost writes, recovery times) are printed with `-s` and collected in the README of the note.
"""
import concurrent.futures
import gzip
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = int(os.environ.get("BIDFORGE_CLUSTER_TEST_PORT", "18900"))
DIR = os.environ.get("BIDFORGE_CLUSTER_TEST_DIR", "/tmp/bidforge-cluster-test")
URL = f"http://127.0.0.1:{BASE}"
INSTANCES = {f"api{i}": f"http://127.0.0.1:{BASE + i}" for i in (1, 2, 3)}
LOGIN_LIMIT = 20

needed = [shutil.which("redis-server"), shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") or None),
          any(Path("/usr/lib/postgresql").glob("*/bin/postgres")) or None,
          (ROOT / ".build/debug/bidforge").exists() or os.environ.get("BIDFORGE_BIN")]
pytestmark = pytest.mark.skipif(None in needed and os.environ.get("BIDFORGE_TEST_REQUIRE_CLUSTER") != "1",
                                reason="PostgreSQL, Redis, nginx and a built bidforge are needed")
FIGURES = {}


def cluster(*args, check=True):
    env = dict(os.environ, CLUSTER_DIR=DIR, CLUSTER_PORT=str(BASE),
               BIDFORGE_BIN=os.environ.get("BIDFORGE_BIN", str(ROOT / ".build/debug/bidforge")),
               BCRYPT_COST="4", LOG_LEVEL="info", RATE_LIMIT_LOGIN_PER_MINUTE=str(LOGIN_LIMIT),
               RATE_LIMIT_REGISTER_PER_HOUR="10000", RATE_LIMIT_PER_ADDRESS_PER_MINUTE="100000",
               RATE_LIMIT_WRITES_PER_MINUTE="10000", SHUTDOWN_DRAIN_SECONDS="2", DB_POOL_TIMEOUT_SECONDS="2")
    result = subprocess.run([str(ROOT / "scripts/cluster"), *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def call(method, url, body=None, token=None, headers=None, timeout=10):
    """One HTTP request on a fresh connection → (status, headers, parsed JSON or bytes, seconds)."""
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    send = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        send["Content-Type"] = "application/json"
    if token:
        send["Authorization"] = f"Bearer {token}"
    started = time.monotonic()
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=data, headers=send)
        response = connection.getresponse()
        raw = response.read()
        status, got = response.status, {k.lower(): v for k, v in response.getheaders()}
    except (OSError, http.client.HTTPException) as error:
        return 0, {"error": repr(error)}, None, time.monotonic() - started
    finally:
        connection.close()
    parsed = raw
    if "json" in got.get("content-type", "") and got.get("content-encoding") is None:
        parsed = json.loads(raw) if raw else None
    return status, got, parsed, time.monotonic() - started


def wait_until(predicate, seconds, step=0.05):
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    return None


def register(role, client_ip="198.51.100.10"):
    email = f"{role.lower()}-{uuid.uuid4().hex[:10]}@example.com"
    status, _, body, _ = call("POST", f"{URL}/api/v1/auth/register", {
        "email": email, "password": "correct-horse-battery", "name": "Pat Cluster", "role": role,
        "company": {"name": f"{role.title()} {uuid.uuid4().hex[:6]}", "trades": ["03", "09"], "serviceArea": {"states": ["TX"]}},
    }, headers={"X-Forwarded-For": client_ip})
    assert status == 201, body
    return {"email": email, "token": body["accessToken"], "refresh": body["refreshToken"], "companyId": body["user"]["companyId"]}


def project_body():
    due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7 * 86400))
    return {"title": "Cluster clinic", "description": "Bids under fire", "trades": ["03", "09"], "visibility": "PUBLIC",
            "sealed": False, "location": {"city": "Austin", "state": "TX", "postalCode": "78701"}, "bidDueAt": due}


def open_project(owner):
    status, _, body, _ = call("POST", f"{URL}/api/v1/projects", project_body(), token=owner["token"])
    assert status == 201, body
    status, _, body, _ = call("POST", f"{URL}/api/v1/projects/{body['id']}/publish", token=owner["token"])
    assert status == 200, body
    return body["id"]


@pytest.fixture(scope="module", autouse=True)
def running_cluster():
    cluster("start", "--detach")
    yield
    cluster("stop", check=False)
    print("\ncluster figures:", json.dumps(FIGURES, indent=2))


def test_nginx_spreads_requests_over_all_three_instances():
    seen = {}
    for _ in range(90):
        status, headers, _, _ = call("GET", f"{URL}/api/v1/trades")
        assert status == 200
        seen[headers["x-instance"]] = seen.get(headers["x-instance"], 0) + 1
    FIGURES["spread_of_90_requests"] = seen
    assert set(seen) == {"api1", "api2", "api3"}, seen
    assert min(seen.values()) >= 15, seen


def test_nginx_compresses_once_and_the_instances_do_not():
    status, headers, raw, _ = call("GET", f"{URL}/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert json.loads(gzip.decompress(raw))["openapi"].startswith("3.1")
    _, direct, _, _ = call("GET", f"{INSTANCES['api1']}/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert direct.get("content-encoding") is None, "COMPRESSION=false behind nginx: never compress twice"


def test_login_limit_holds_across_the_three_instances_together():
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    statuses, instances = [], set()
    for i in range(LOGIN_LIMIT + 10):
        # A distinct client address per attempt isolates the per-email bucket from the per-address one.
        status, headers, _, _ = call("POST", f"{URL}/api/v1/auth/login", {"email": email, "password": "wrong-password-1"},
                                     headers={"X-Forwarded-For": f"203.0.113.{i + 1}"})
        statuses.append(status)
        instances.add(headers.get("x-instance"))
    admitted = sum(1 for s in statuses if s != 429)
    FIGURES["login_attempts_admitted"] = {"limit": LOGIN_LIMIT, "admitted": admitted, "instances": sorted(instances)}
    assert len(instances) == 3
    assert set(statuses) <= {401, 429}
    assert LOGIN_LIMIT - 1 <= admitted <= LOGIN_LIMIT + 1, statuses


def test_metrics_parse_and_carry_the_operational_series():
    from prometheus_client.parser import text_string_to_metric_families
    status, _, raw, _ = call("GET", f"{INSTANCES['api2']}/metrics")
    assert status == 200
    families = {f.name: f for f in text_string_to_metric_families(raw.decode())}
    assert families["http_request_duration_seconds"].type == "histogram"
    routes = {s.labels.get("route") for s in families["http_request_duration_seconds"].samples}
    assert "/api/v1/trades" in routes and not any(r and "-" in r.split("/")[-1] for r in routes), routes
    for name in ("http_requests", "active_users_total", "db_pool_connections", "process_resident_memory_bytes",
                 "process_open_fds", "process_cpu_seconds"):
        assert name in families, f"{name} missing from /metrics"
    pool = {s.labels["state"]: s.value for s in families["db_pool_connections"].samples}
    assert set(pool) == {"in_use", "idle", "max"} and pool["max"] > 0 and pool["in_use"] + pool["idle"] >= 1, pool


def test_a_bid_on_one_instance_is_in_every_instances_cached_view_at_once():
    owner = register("OWNER", client_ip="198.51.100.31")
    bidder = register("SUBCONTRACTOR", client_ip="198.51.100.32")
    project = open_project(owner)
    # Warm every instance's cache (L1) and the shared one (Redis) with the count before the bid.
    for url in INSTANCES.values():
        for _ in range(3):
            status, _, body, _ = call("GET", f"{url}/api/v1/projects/{project}")
            assert status == 200 and body["bidCount"] == 0
    status, _, body, _ = call("POST", f"{INSTANCES['api1']}/api/v1/projects/{project}/bids", {
        "amountCents": 1_000_000, "lineItems": [{"description": "Work", "trade": "03", "quantity": 1, "unit": "LS",
                                                 "unitPriceCents": 1_000_000, "totalCents": 1_000_000}]}, token=bidder["token"])
    assert status == 201, body
    answered = time.monotonic()
    # The writer's own instance: at once (read-your-writes).
    assert call("GET", f"{INSTANCES['api1']}/api/v1/projects/{project}")[2]["bidCount"] == 1
    lags = {}
    for name in ("api2", "api3"):
        fresh = wait_until(lambda: call("GET", f"{INSTANCES[name]}/api/v1/projects/{project}")[2]["bidCount"] == 1, 1, step=0.005)
        lags[name] = round((time.monotonic() - answered) * 1000, 1)
        assert fresh is not None, f"{name} still served the old bid count after 1 s"
    # The figure (about 20 ms on a quiet machine; the 100 ms target is judged by reading it, not here: a loaded CI
    # machine took 170 ms once) is printed; what this test holds is that the write invalidated the other instances'
    # caches at all — their entries would otherwise be served for CACHE_TTL_SECONDS (300).
    FIGURES["cache_cross_instance_ms"] = lags


def test_sigterm_drains_readiness_first_and_nginx_keeps_serving():
    pid = int(Path(DIR, "api3.pid").read_text())
    stop = threading.Event()
    through_nginx = []

    def traffic():
        while not stop.is_set():
            through_nginx.append(call("GET", f"{URL}/api/v1/trades")[0])

    worker = threading.Thread(target=traffic)
    worker.start()
    os.kill(pid, signal.SIGTERM)
    draining = wait_until(lambda: call("GET", f"{INSTANCES['api3']}/api/ready", timeout=2)[0] == 503, 2)
    still_serving = call("GET", f"{INSTANCES['api3']}/api/v1/trades", timeout=2)[0]
    exited = wait_until(lambda: not Path(f"/proc/{pid}").exists(), 20)
    stop.set()
    worker.join()
    FIGURES["sigterm"] = {"ready_503_after_s": draining, "exit_after_s": exited, "requests_through_nginx": len(through_nginx),
                          "non_200_through_nginx": sum(1 for s in through_nginx if s != 200)}
    assert draining is not None, "ready did not turn 503 on SIGTERM"
    assert still_serving == 200, "a draining instance still serves what reaches it"
    assert exited is not None and exited >= 1.5, "the drain period (2 s) comes before the exit"
    assert all(s == 200 for s in through_nginx), through_nginx
    cluster("up", "api3")


def test_sigkill_during_500_bids_loses_no_acknowledged_write():
    owners = [register("OWNER") for _ in range(4)]  # FREE: three open projects each
    projects = [open_project(owners[i // 3]) for i in range(10)]
    bidders = [register("SUBCONTRACTOR") for _ in range(50)]  # FREE: ten bids a month each
    jobs = [(b, p) for p in projects for b in bidders]
    assert len(jobs) == 500
    results = [None] * len(jobs)
    done = threading.Semaphore(0)

    def submit(index):
        bidder, project = jobs[index]
        amount = 1_000_000 + index
        status, headers, body, seconds = call("POST", f"{URL}/api/v1/projects/{project}/bids", {
            "amountCents": amount, "lineItems": [{"description": "Work", "trade": "03", "quantity": 1, "unit": "LS",
                                                  "unitPriceCents": amount, "totalCents": amount}],
        }, token=bidder["token"], timeout=15)
        results[index] = (status, body.get("id") if status == 201 and isinstance(body, dict) else None, seconds,
                          headers.get("x-instance"))
        done.release()

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(submit, i) for i in range(len(jobs))]
        for _ in range(100):
            done.acquire()
        cluster("down", "api2", "--kill")
        for f in futures:
            f.result()
    statuses = {}
    for status, _, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    acknowledged = {r[1] for r in results if r[0] == 201}

    stored = set()
    for bidder in bidders:
        status, _, body, _ = call("GET", f"{URL}/api/v1/bids?mine=true&limit=100", token=bidder["token"])
        assert status == 200, body
        stored |= {b["id"] for b in body["data"]}
    lost = acknowledged - stored
    failed = [i for i, r in enumerate(results) if r[0] != 201]
    # A failed request's bid may still have committed (the instance died after the commit, before answering):
    # the client learns that from a retry (409 BID_EXISTS), never from a silent loss.
    ambiguous = len(stored) - len(acknowledged)
    FIGURES["sigkill_burst"] = {"statuses": statuses, "acknowledged": len(acknowledged), "stored": len(stored),
                                "lost": len(lost), "committed_but_unacknowledged": ambiguous,
                                "slowest_request_s": round(max(r[2] for r in results), 3),
                                "served_by": sorted({r[3] for r in results if r[3]})}
    assert not lost, f"{len(lost)} bids answered 201 but are gone"
    assert set(statuses) <= {201, 502, 503, 504}, statuses
    assert statuses.get(201, 0) >= 400, statuses
    assert max(r[2] for r in results) < 10, "no request may hang"
    assert len(stored) <= 500
    for i in failed:
        bidder, project = jobs[i]
        status, _, body, _ = call("POST", f"{URL}/api/v1/projects/{project}/bids", {"amountCents": 1}, token=bidder["token"])
        assert status in (201, 409), body
        assert status == 201 or body["error"]["code"] == "BID_EXISTS"
    cluster("up", "api2")


def test_redis_outage_degrades_and_recovers():
    cluster("down", "redis")
    statuses = [call("GET", f"{URL}/api/v1/trades")[0] for _ in range(30)]
    assert all(s == 200 for s in statuses), statuses
    health = {name: call("GET", f"{url}/api/health")[2] for name, url in INSTANCES.items()}
    assert all(h["status"] == "healthy" and h["checks"]["redis"]["status"] == "degraded" for h in health.values()), health
    logs = "".join(Path(DIR, f"{name}.log").read_text() for name in INSTANCES)
    assert "rate limits fell back to per-instance memory" in logs
    cluster("up", "redis")
    started = time.monotonic()
    recovered = wait_until(lambda: all(call("GET", f"{url}/api/health")[2]["checks"]["redis"]["status"] == "ok"
                                       for url in INSTANCES.values()), 10)

    def limits_shared_again():
        call("GET", f"{URL}/api/v1/trades")  # the limiter retries Redis on traffic, at most once a second
        logs = [Path(DIR, f"{name}.log").read_text() for name in INSTANCES]
        # Instances that fell back (those that took traffic during the outage) say so when they recover.
        return all(log.count("Redis is back") >= log.count("fell back to per-instance memory") for log in logs)

    shared = wait_until(limits_shared_again, 10, step=0.1)
    FIGURES["redis_outage"] = {"health_ok_again_after_s": round(recovered or -1, 3),
                               "limits_shared_again_after_s": round(time.monotonic() - started, 3) if shared else None}
    assert recovered is not None
    assert shared is not None, "every instance logs that limits are shared again"


def test_postgres_outage_answers_503_fast_and_recovers_by_itself():
    owner = register("OWNER")
    cluster("down", "postgres")
    timings = {}
    for name, url in INSTANCES.items():
        health_status, _, _, health_s = call("GET", f"{url}/api/health")
        ready_status, _, _, ready_s = call("GET", f"{url}/api/ready")
        assert health_status == 503 and ready_status == 503
        assert health_s < 2.5 and ready_s < 2.5, (health_s, ready_s)
        timings[name] = {"health_s": round(health_s, 3), "ready_s": round(ready_s, 3)}
    status, _, body, write_s = call("POST", f"{URL}/api/v1/projects", project_body(), token=owner["token"])
    assert status == 503 and body["error"]["code"] == "UNAVAILABLE", body
    assert write_s < 5
    cluster("up", "postgres")
    recovered = wait_until(lambda: all(call("GET", f"{url}/api/ready")[0] == 200 for url in INSTANCES.values()), 15)
    assert recovered is not None, "instances did not recover by themselves"
    open_project(owner)
    FIGURES["postgres_outage"] = {"per_instance": timings, "write_503_after_s": round(write_s, 3),
                                  "all_ready_after_restart_s": round(recovered, 3)}


class Socket:
    """A realtime WebSocket on one instance (or through nginx), collecting frames on a thread."""

    def __init__(self, base_url, token=None, query=""):
        import websocket
        url = base_url.replace("http://", "ws://") + "/api/v1/realtime" + (f"?{query}" if query else "")
        headers = [f"Authorization: Bearer {token}"] if token else []
        self.ws = websocket.create_connection(url, header=headers, timeout=5)
        self.frames, self.arrivals = [], []
        self.ws.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        import websocket
        while not self.stop.is_set():
            try:
                text = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception:
                return
            if text:
                self.frames.append(json.loads(text))
                self.arrivals.append(time.monotonic())

    def wait_for(self, predicate, seconds=5):
        return wait_until(lambda: any(predicate(f) for f in list(self.frames)), seconds, step=0.005)

    def close(self):
        self.stop.set()
        try:
            self.ws.close()
        except Exception:
            pass
        self.thread.join(2)


def conversation_between(owner, bidder):
    project = open_project(owner)
    status, _, body, _ = call("POST", f"{URL}/api/v1/conversations", {"projectId": project}, token=bidder["token"])
    assert status == 201, body
    return body["id"]


def test_a_message_posted_on_one_instance_reaches_a_socket_on_another():
    owner, bidder, outsider = register("OWNER"), register("SUBCONTRACTOR"), register("CONTRACTOR")
    conversation = conversation_between(owner, bidder)
    listening = Socket(INSTANCES["api2"], owner["token"])
    nosy = Socket(INSTANCES["api3"], outsider["token"])
    time.sleep(0.3)  # the upgrade registers the socket asynchronously
    try:
        latencies = []
        for n in range(5):
            sent = time.monotonic()
            status, _, body, _ = call("POST", f"{INSTANCES['api1']}/api/v1/conversations/{conversation}/messages",
                                      {"body": f"ping {n}"}, token=bidder["token"])
            assert status == 201, body
            arrived = listening.wait_for(lambda f, n=n: f["type"] == "message.created" and f["data"]["body"] == f"ping {n}", 2)
            assert arrived is not None, f"message {n} never reached the socket on api2"
            latencies.append(time.monotonic() - sent)
        time.sleep(0.5)
        FIGURES["cross_instance_message_ms"] = {"max": round(max(latencies) * 1000, 1),
                                                "median": round(sorted(latencies)[2] * 1000, 1)}
        assert max(latencies) < 0.5, latencies
        assert not nosy.frames, nosy.frames
    finally:
        listening.close()
        nosy.close()


def test_a_browser_ticket_opens_the_socket_through_nginx():
    owner, bidder = register("OWNER"), register("SUBCONTRACTOR")
    conversation = conversation_between(owner, bidder)
    status, _, body, _ = call("POST", f"{URL}/api/v1/realtime/tickets", token=owner["token"])
    assert status == 201, body
    socket = Socket(URL, query=f"ticket={body['ticket']}")
    time.sleep(0.3)
    try:
        call("POST", f"{URL}/api/v1/conversations/{conversation}/messages", {"body": "via nginx"}, token=bidder["token"])
        assert socket.wait_for(lambda f: f["type"] == "message.created" and f["data"]["body"] == "via nginx", 2) is not None
    finally:
        socket.close()
    import websocket
    with pytest.raises(websocket.WebSocketBadStatusException):
        Socket(URL, query=f"ticket={body['ticket']}")  # single use


def test_killing_a_dispatcher_mid_stream_loses_and_duplicates_nothing():
    owner, bidder = register("OWNER"), register("SUBCONTRACTOR")
    conversation = conversation_between(owner, bidder)
    live = Socket(INSTANCES["api1"], owner["token"])
    time.sleep(0.3)
    results = []

    def post(n):
        status, _, body, _ = call("POST", f"{URL}/api/v1/conversations/{conversation}/messages", {"body": f"burst {n}"},
                                  token=bidder["token"], timeout=15)
        results.append((n, status, body.get("id") if status == 201 and isinstance(body, dict) else None))

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(post, n) for n in range(80)]
        wait_until(lambda: len(results) >= 25, 30)
        cluster("down", "api2", "--kill")
        for f in futures:
            f.result()
    cluster("up", "api2")
    acknowledged = {r[2] for r in results if r[1] == 201}
    time.sleep(1.5)  # let every dispatcher finish
    live.close()

    status, _, page, _ = call("GET", f"{URL}/api/v1/conversations/{conversation}/messages?limit=100", token=owner["token"])
    stored = {m["id"] for m in page["data"]}
    live_ids = [f["data"]["id"] for f in live.frames if f["type"] == "message.created"]
    replay = Socket(INSTANCES["api3"], owner["token"], query="since=0")
    replay.wait_for(lambda f: False, 1.5)
    replay.close()
    replayed = {f["data"]["id"] for f in replay.frames if f["type"] == "message.created"}
    status, _, notes, _ = call("GET", f"{URL}/api/v1/notifications?limit=100&unread=true", token=owner["token"])
    received = [n["data"]["messageId"] for n in notes["data"] if n["type"] == "MESSAGE_RECEIVED"]
    FIGURES["dispatcher_kill"] = {"posted": len(results), "acknowledged": len(acknowledged), "stored": len(stored),
                                  "live_pushes": len(live_ids), "replayed": len(replayed),
                                  "notifications": len(received)}
    assert acknowledged <= stored, "an acknowledged message is gone"
    assert len(live_ids) == len(set(live_ids)), "a live push arrived twice"
    assert set(live_ids) <= stored
    assert replayed == stored, "replay since=0 returns every stored message exactly"
    assert sorted(received) == sorted(stored), "exactly one notification per stored message"


def multipart_upload(url, token, data, filename, content_type):
    """Streams one document through nginx as a browser would: multipart/form-data with a `file` part."""
    import http.client
    from urllib.parse import urlsplit
    boundary = "----cluster" + uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("POST", parts.path, body=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer


def fetch_document(instance, document, token, variant=None):
    """The bytes as a client gets them from one instance: streamed, or through the presigned redirect."""
    import urllib.request
    path = f"{instance}/api/v1/documents/{document}/content" + (f"?variant={variant}" if variant else "")
    status, headers, body, _ = call("GET", path, token=token)
    if status == 302:
        with urllib.request.urlopen(headers["location"], timeout=30) as response:
            return status, response.read()
    return status, body


def png(width, height):
    import struct
    import zlib
    rows = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 90)) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_documents_uploaded_through_nginx_are_served_by_every_instance():
    import hashlib
    owner = register("OWNER")
    bidder = register("CONTRACTOR")
    project = open_project(owner)
    status, _, _, _ = call("POST", f"{URL}/api/v1/projects/{project}/bids",
                           {"amountCents": 1_000_000, "acknowledgedAddendum": 0}, token=bidder["token"])
    assert status == 201
    plans = b"%PDF-1.7\n" + os.urandom(3_000_000)
    status, document = multipart_upload(f"{URL}/api/v1/projects/{project}/documents", owner["token"], plans,
                                         "plans.pdf", "application/pdf")
    assert status == 201, document
    assert document["addendumNumber"] == 1
    assert document["sha256"] == hashlib.sha256(plans).hexdigest()
    shared_s3 = (Path(DIR) / "s3.enabled").exists()
    if os.environ.get("BIDFORGE_TEST_REQUIRE_MOTO") == "1":
        assert shared_s3, "CI runs the cluster on moto's S3"
    for name, instance in INSTANCES.items():
        status, body = fetch_document(instance, document["id"], bidder["token"])
        assert status == (302 if shared_s3 else 200), (name, status)
        assert hashlib.sha256(body).hexdigest() == document["sha256"], name
    notified = wait_until(lambda: any(n["type"] == "ADDENDUM_ISSUED" for n in
                                      call("GET", f"{URL}/api/v1/notifications", token=bidder["token"])[2]["data"]), 5)
    assert notified is not None, "the bidder was not told about addendum 1"
    FIGURES["document_fetched_from_instances"] = len(INSTANCES)

    # An image: whichever instance makes its thumbnail, every instance serves it.
    image = png(900, 600)
    status, photo = multipart_upload(f"{URL}/api/v1/projects/{project}/documents", owner["token"], image, "site.png", "image/png")
    assert status == 201, photo
    health_body = call("GET", f"{INSTANCES['api1']}/api/health")[2]
    if health_body["checks"]["imaging"]["status"] != "ok":
        pytest.skip("libvips is not installed: derivatives are not made")
    ready = wait_until(lambda: "thumbnail" in next(d for d in call("GET", f"{URL}/api/v1/projects/{project}/documents",
                                                                    token=owner["token"])[2]["data"]
                                                 if d["id"] == photo["id"])["variants"], 15, step=0.2)
    assert ready is not None, "no instance made the thumbnail"
    FIGURES["thumbnail_ready_seconds"] = round(ready, 2)
    for name, instance in INSTANCES.items():
        status, body = fetch_document(instance, photo["id"], owner["token"], variant="thumbnail")
        assert body[:3] == b"\xff\xd8\xff", name  # a JPEG, not the PNG original


def test_a_sign_out_on_one_instance_closes_that_sign_ins_sockets_on_the_others():
    member = register("SUBCONTRACTOR")
    watched = [Socket(INSTANCES["api2"], member["token"]), Socket(INSTANCES["api3"], member["token"])]
    other_login = call("POST", f"{URL}/api/v1/auth/login", {"email": member["email"], "password": "correct-horse-battery"})[2]
    kept = Socket(INSTANCES["api2"], other_login["accessToken"])
    time.sleep(0.3)
    try:
        assert all(socket.thread.is_alive() for socket in watched + [kept])
        status, _, _, _ = call("POST", f"{INSTANCES['api1']}/api/v1/auth/logout", {"refreshToken": member["refresh"]},
                               token=member["token"])
        assert status == 204
        closed = wait_until(lambda: not any(socket.thread.is_alive() for socket in watched), 5)
        FIGURES["sign_out_closes_sockets_s"] = closed and round(closed, 3)
        assert closed is not None, "the signed-out sockets on api2 and api3 stayed open"
        assert kept.thread.is_alive(), "another sign-in of the same person keeps its socket"
    finally:
        for socket in watched + [kept]:
            socket.close()


def test_an_instance_stops_in_time_while_postgres_and_redis_are_down():
    """SIGTERM with the database and Redis gone: the loops that wait on them must not hold the process past
    drain (2 s) + grace (10 s); and `down` never drops a pid file while its process lives."""
    pid = int(Path(DIR, "api2.pid").read_text())
    cluster("down", "postgres")
    cluster("down", "redis")
    try:
        time.sleep(1)  # let the instance's background loops run into the outage
        started = time.monotonic()
        cluster("down", "api2")
        took = time.monotonic() - started
        FIGURES["stop_during_outage_s"] = round(took, 2)
        assert not Path(f"/proc/{pid}").exists(), "the instance outlived scripts/cluster down"
        assert not Path(DIR, "api2.pid").exists()
        assert took < 2 + 10 + 1 + 1, f"stopping took {took:.1f} s (drain 2 s + grace 10 s)"
        log = Path(DIR, "api2.log").read_text()
        assert "shutdown requested" in log
    finally:
        cluster("up", "postgres")
        cluster("up", "redis")
        cluster("up", "api2")
    assert call("GET", f"{INSTANCES['api2']}/api/ready")[0] == 200
