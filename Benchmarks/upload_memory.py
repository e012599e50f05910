"""Drives Benchmarks/upload_memory: uploads documents while sampling the server's RSS, prints the figures."""
import argparse
import hashlib
import http.client
import json
import os
import sqlite3
import threading
import time
import urllib.parse
import urllib.request


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def call(base, method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def upload(base, token, project, size, chunk=256 * 1024):
    """Streams a multipart upload of `size` bytes (a PDF header, then pseudo-random blocks) without holding it."""
    boundary = "----bench" + os.urandom(6).hex()
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plans.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = os.urandom(chunk)
    digest = hashlib.sha256()

    def body():
        yield head
        sent = 0
        first = b"%PDF-1.7\n"
        while sent < size:
            piece = (first + block)[: min(chunk, size - sent)] if sent == 0 else block[: min(chunk, size - sent)]
            digest.update(piece)
            sent += len(piece)
            yield piece
        yield tail

    url = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    connection.putrequest("POST", f"/api/v1/projects/{project}/documents")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + size + len(tail)))
    connection.endheaders()
    for piece in body():
        connection.send(piece)
    response = connection.getresponse()
    answer = json.loads(response.read())
    if response.status != 201:
        raise RuntimeError(f"upload answered {response.status}: {answer}")
    if answer["sha256"] != digest.hexdigest():
        raise RuntimeError("the server's sha256 differs from the bytes sent")
    return answer


def measured_upload(base, token, project, pid, size):
    idle = rss_bytes(pid)
    peak = [idle]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes(pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    upload(base, token, project, size)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return idle, peak[0], elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--size-mb", type=int, default=60)
    args = parser.parse_args()
    base = args.url
    auth = call(base, "POST", "/api/v1/auth/register", {
        "email": "bench@example.com", "password": "correct-horse-battery", "name": "Bench", "role": "OWNER",
        "company": {"name": "Bench Co", "trades": ["03"], "serviceArea": {"states": ["TX"]}}})
    # 60 MB is over FREE's 25 MB: the operator's plan change, made in the database as there is no admin yet.
    with sqlite3.connect(args.db) as db:
        db.execute("UPDATE companies SET plan = 'ENTERPRISE' WHERE id = ?", (auth["user"]["companyId"],))
    token = call(base, "POST", "/api/v1/auth/login", {"email": "bench@example.com", "password": "correct-horse-battery"})["accessToken"]
    project = call(base, "POST", "/api/v1/projects", {
        "title": "Bench", "description": "upload memory", "trades": ["03"], "visibility": "PUBLIC", "sealed": False,
        "location": {"city": "Austin", "state": "TX", "postalCode": "78701"}, "bidDueAt": "2030-01-01T00:00:00Z"}, token)["id"]

    for _ in range(3):  # warm up: allocator pools, the database, the storage path
        upload(base, token, project, 2_000_000)
    time.sleep(0.5)
    base_idle, base_peak, base_time = measured_upload(base, token, project, args.pid, 1_000_000)
    time.sleep(0.5)
    size = args.size_mb * 1_000_000
    idle, peak, elapsed = measured_upload(base, token, project, args.pid, size)
    above = peak - idle
    baseline_above = max(base_peak - base_idle, 1)
    print(f"idle RSS                      {idle / 1e6:8.1f} MB")
    print(f"1 MB upload (baseline)        peak {base_peak / 1e6:6.1f} MB, {baseline_above / 1e6:5.1f} MB above idle")
    print(f"{args.size_mb} MB upload                  peak {peak / 1e6:6.1f} MB, {above / 1e6:5.1f} MB above idle "
          f"({above / baseline_above:.1f}x the 1 MB upload's; target < 64 MB)")
    print(f"memory above idle / file size {above / size:8.3f}")
    print(f"throughput                    {size / elapsed / 1e6:8.1f} MB/s ({elapsed:.2f} s; baseline 1 MB in {base_time * 1000:.0f} ms)")
    print("PASS" if above < 64 * 1024 * 1024 else "FAIL: more than 64 MB above idle")


if __name__ == "__main__":
    main()
