"""Realtime benchmark client: many concurrent WebSocket clients on one BidForge instance, messages posted over HTTP,
delivery latency measured from the POST being sent to the frame arriving on every entitled socket.

Usage: python3 Benchmarks/realtime_clients.py --url http://127.0.0.1:8090 --sockets 5000 --messages 1000 --pid PID
Prints a JSON object with p50/p95/p99 latency, frames lost, and server RSS per idle socket.
"""
import argparse
import asyncio
import json
import statistics
import time
import urllib.request
import uuid

import websockets


def post(url, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def register(url, role):
    email = f"bench-{role.lower()}-{uuid.uuid4().hex[:10]}@example.com"
    answer = post(url, "/api/v1/auth/register", {
        "email": email, "password": "correct-horse-battery", "name": "Bench", "role": role,
        "company": {"name": f"Bench {uuid.uuid4().hex[:8]}", "trades": ["03"], "serviceArea": {"states": ["TX"]}}})
    return answer["accessToken"]


def rss(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8090")
    parser.add_argument("--sockets", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=50, help="conversations; their two users share the sockets")
    parser.add_argument("--pid", type=int, required=True)
    args = parser.parse_args()

    # Pairs of (owner, bidder), each with one conversation. Every socket belongs to one of these users, so each
    # message is delivered to all sockets of its pair's two users (both companies), the rest stay idle.
    due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7 * 86400))
    pairs = []
    for _ in range(args.pairs):
        owner, bidder = register(args.url, "OWNER"), register(args.url, "SUBCONTRACTOR")
        project = post(args.url, "/api/v1/projects", {
            "title": "Bench", "description": "x", "trades": ["03"], "visibility": "PUBLIC", "sealed": False,
            "location": {"city": "Austin", "state": "TX", "postalCode": "78701"}, "bidDueAt": due}, owner)
        post(args.url, f"/api/v1/projects/{project['id']}/publish", token=owner)
        conversation = post(args.url, "/api/v1/conversations", {"projectId": project["id"]}, bidder)
        pairs.append((owner, bidder, conversation["id"]))

    idle_rss = rss(args.pid)
    ws_url = args.url.replace("http://", "ws://") + "/api/v1/realtime"
    arrivals = {}  # body → list of arrival times
    sockets_per_pair = [0] * args.pairs

    async def client(index):
        pair = index % args.pairs
        token = pairs[pair][index // args.pairs % 2]
        sockets_per_pair[pair] += 1
        async with websockets.connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"},
                                      max_queue=None, open_timeout=60, ping_interval=None) as ws:
            ready.release()
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "message.created":
                    arrivals.setdefault(frame["data"]["body"], []).append(time.monotonic())

    ready = asyncio.Semaphore(0)
    started = time.monotonic()
    tasks = []
    for i in range(args.sockets):
        tasks.append(asyncio.create_task(client(i)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    for _ in range(args.sockets):
        await ready.acquire()
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(2)
    connected_rss = rss(args.pid)

    loop = asyncio.get_running_loop()
    sent = {}
    expected = {}
    for n in range(args.messages):
        owner, bidder, conversation = pairs[n % args.pairs]
        body = f"m{n}-{uuid.uuid4().hex[:6]}"
        sent[body] = time.monotonic()
        expected[body] = sockets_per_pair[n % args.pairs]
        await loop.run_in_executor(None, lambda: post(args.url, f"/api/v1/conversations/{conversation}/messages",
                                                      {"body": body}, bidder))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sum(len(arrivals.get(b, [])) for b in sent) < sum(expected.values()):
        await asyncio.sleep(0.1)
    latencies = [(t - sent[body]) * 1000 for body, times in arrivals.items() if body in sent for t in times]
    lost = sum(expected.values()) - len(latencies)
    for task in tasks:
        task.cancel()
    print(json.dumps({
        "sockets": args.sockets, "messages": args.messages, "frames_expected": sum(expected.values()),
        "frames_received": len(latencies), "frames_lost": lost,
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p95": round(percentile(latencies, 95), 1),
                       "p99": round(percentile(latencies, 99), 1), "max": round(max(latencies), 1)},
        "connect_all_s": round(connect_seconds, 2),
        "server_rss_mb": {"before_sockets": round(idle_rss / 2**20, 1), "with_sockets": round(connected_rss / 2**20, 1)},
        "rss_per_socket_kb": round((connected_rss - idle_rss) / args.sockets / 1024, 1),
    }, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
