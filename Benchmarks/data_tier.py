"""The data tier's runs for Benchmarks/run: read replicas (listing throughput with two streaming replicas against the
primary alone) and PgBouncer (1,000 client connections from three instances on at most 50 server connections, against
the same connections straight to PostgreSQL)."""
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def as_postgres(command):
    return ["su", "postgres", "-c", command]


def pg_bin():
    return sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]


def start_replicas(primary_port, work, count, log):
    """Streaming replicas of the benchmark's primary (pg_basebackup -R) in `work`; → their ports."""
    ports = []
    for index in range(1, count + 1):
        directory = work / f"replica{index}"
        port = primary_port + index
        # Made afresh every run: a replica stopped since the last one may need WAL the primary has since recycled.
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir()
        subprocess.run(["chown", "postgres", str(directory)], check=True)
        if not (directory / "data" / "PG_VERSION").exists():
            log(f"replica{index}: pg_basebackup from the primary")
            started = time.time()
            subprocess.run(as_postgres(f"{pg_bin()}/pg_basebackup -h 127.0.0.1 -p {primary_port} -U postgres "
                                       f"-D {directory}/data -R -X stream -c fast"), check=True, capture_output=True)
            log(f"replica{index}: copied in {time.time() - started:.0f} s")
        # The same settings as the primary (scripts/start-postgres): a standby needs max_connections >= the primary's.
        options = (f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=400 -c hot_standby=on "
                   "-c hot_standby_feedback=on -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c shared_preload_libraries=pg_stat_statements")
        subprocess.run(as_postgres(f"{pg_bin()}/pg_ctl -D {directory}/data -l {directory}/server.log -w "
                                   f"-o '{options}' start"), check=True, capture_output=True)
        ports.append(port)
    return ports


def stop_replicas(work, count):
    for index in range(1, count + 1):
        directory = work / f"replica{index}"
        subprocess.run(as_postgres(f"{pg_bin()}/pg_ctl -D {directory}/data stop -m fast"), capture_output=True)


def replica_visits(server):
    text = server.metrics()
    return {m.group(1): float(m.group(2)) for m in re.finditer(r'^db_queries_total\{target="([^"]+)"\} ([0-9.e+]+)$', text, re.M)}


def start_pgbouncer(directory, port, primary_port, max_db_connections):
    out = subprocess.run([str(ROOT / "scripts/start-pgbouncer"), str(directory), str(port), f"primary={primary_port}"],
                         env={"PATH": "/usr/sbin:/usr/bin:/bin", "PGBOUNCER_MAX_CLIENT_CONN": "3000",
                              "PGBOUNCER_POOL_SIZE": str(max_db_connections),
                              "PGBOUNCER_MAX_DB_CONNECTIONS": str(max_db_connections)},
                         capture_output=True, text=True, check=True)
    return out.stdout.strip() + "primary"


def stop_pgbouncer(directory):
    subprocess.run([str(ROOT / "scripts/start-pgbouncer"), "stop", str(directory)], capture_output=True)


def pgbouncer_counts(port):
    """(client connections, server connections) PgBouncer holds for `primary`, from its admin console."""
    out = subprocess.run(["psql", f"postgres://postgres@127.0.0.1:{port}/pgbouncer", "-Atc", "SHOW POOLS"],
                         capture_output=True, text=True)
    clients = servers = 0
    for line in out.stdout.splitlines():
        cells = line.split("|")
        if cells and cells[0] == "primary":
            # database|user|cl_active|cl_waiting|cl_active_cancel_req|cl_waiting_cancel_req|sv_active|sv_active_cancel|sv_being_canceled|sv_idle|sv_used|sv_tested|sv_login|maxwait|…
            clients += int(cells[2]) + int(cells[3])
            servers += int(cells[6]) + sum(int(c) for c in cells[7:13])
    return clients, servers


def server_connections(pg):
    """Client backends PostgreSQL is running; 0 when it refuses the question (no connection slot left)."""
    try:
        rows = pg.query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
    except subprocess.CalledProcessError:
        return 0
    return int(rows[0][0])


def parallel_wrk(run, servers, connections_each):
    """One wrk per instance at once; → the summed result (requests/s added, the worst p95, errors added)."""
    results = [None] * len(servers)

    def one(index):
        results[index] = run(servers[index], connections_each)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = dict(results[0])
    total["rps"] = sum(r["rps"] for r in results)
    for key in ("p50", "p95", "p99"):
        total[key] = max(r[key] for r in results)
    total["errors"] = sum(r["errors"] for r in results)
    total["non2xx"] = sum(r["non2xx"] for r in results)
    return total


def cpu_snapshot(server_pid):
    """(machine busy and total jiffies, PostgreSQL processes' jiffies, the BidForge process's jiffies)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    postgres = server = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2:].split()
        used = int(rest[11]) + int(rest[12])
        if name == "postgres":
            postgres += used
        elif int(entry.name) == server_pid:
            server = used
    return sum(fields) - idle, sum(fields), postgres, server


def cpu_split(before, after):
    """Over a run: the machine's busy share and the shares of its CPU time that PostgreSQL and BidForge used."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return {"machine_busy": round(busy / total, 2), "postgres_share": round((after[2] - before[2]) / max(busy, 1), 2),
            "bidforge_share": round((after[3] - before[3]) / max(busy, 1), 2)}


def copy_database(primary_dir, copy_dir, port, log):
    """A copy of the stopped benchmark database (the archive run moves rows; the seeded one must stay as it is)."""
    shutil.rmtree(copy_dir, ignore_errors=True)
    copy_dir.mkdir(parents=True)
    copy_dir.chmod(0o755)
    started = time.time()
    subprocess.run(["cp", "-a", str(primary_dir / "data"), str(copy_dir / "data")], check=True)
    (copy_dir / "data" / "postmaster.pid").unlink(missing_ok=True)
    log(f"archive: copied the database in {time.time() - started:.0f} s")
    subprocess.run([str(ROOT / "scripts/start-postgres"), str(copy_dir), str(port)], check=True, capture_output=True)
    return f"postgres://postgres@127.0.0.1:{port}/postgres"


def run_archive(binary, env, log):
    """`bidforge archive --older-than 0d` (every finished project) → (seconds, its summary line)."""
    started = time.time()
    out = subprocess.run([binary, "archive", "--older-than", "0d", "--batch", "100"], env=env, capture_output=True,
                         text=True, cwd=ROOT)
    seconds = time.time() - started
    if out.returncode != 0:
        raise RuntimeError("archive failed:\n" + out.stdout + out.stderr)
    summary = out.stdout.strip().splitlines()[-1]
    log(f"archive: {summary}")
    return seconds, summary


CGROUP_CPU = Path("/sys/fs/cgroup/cpu")


class MachineCaps:
    """Each PostgreSQL server in its own CPU cgroup capped at `cores` — as if each ran on a small machine of its own.

    On one 2-core box the primary and its replicas share the CPUs the application also needs, so adding replicas adds
    no database capacity; capping every server alike makes the database the bottleneck each would be on its own
    machine, which is what the replica target is about. Needs the cgroup v1 cpu controller, writable (root)."""

    def __init__(self, cores):
        self.cores, self.groups = cores, []

    @staticmethod
    def available():
        probe = CGROUP_CPU / "bidforge-bench-probe"
        try:
            probe.mkdir(exist_ok=True)
            probe.rmdir()
            return True
        except OSError:
            return False

    def confine(self, name, data_dir):
        """Moves the server whose data directory is `data_dir` (postmaster and every child) into its capped group."""
        group = CGROUP_CPU / f"bidforge-bench-{name}"
        group.mkdir(exist_ok=True)
        (group / "cpu.cfs_period_us").write_text("100000")
        (group / "cpu.cfs_quota_us").write_text(str(int(self.cores * 100000)))
        postmaster = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        for pid in [postmaster, *map(int, children)]:
            try:
                (group / "cgroup.procs").write_text(str(pid))
            except OSError:
                pass  # a child that has just exited
        self.groups.append(group)

    def release(self):
        """Moves every process back to the root group and removes the groups (a capped server left behind would slow
        every later run)."""
        for group in self.groups:
            for pid in (group / "cgroup.procs").read_text().split():
                try:
                    (CGROUP_CPU / "cgroup.procs").write_text(pid)
                except OSError:
                    pass
            for _ in range(50):  # a process moved out leaves the group a moment later
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
        self.groups = []
