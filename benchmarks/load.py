"""Load benchmark: the production stack under logged-in users, with an import running behind them.

    .venv/bin/python benchmarks/load.py --duration 300            # the bar's five minutes
    .venv/bin/python benchmarks/load.py --duration 45 --users 60   # a short run on a busy machine

Against a national-scale PostgreSQL database (`--database-url`, default shanhai_national, built as in
benchmarks/README.md), on loopback only, it:

1. creates benchmark accounts of several scopes (national office, two western provinces, two of their
   counties) with API tokens, and picks each one's pages: overview, their region, county pairings in
   their scope, the map and its data, and API lists;
2. starts the production stack as `tests/ops/test_ops_stack.py` does — `honcho start -f Procfile`
   (Redis, preflight, migrate, gunicorn over HTTPS with a self-signed certificate, the worker) — and waits
   for /healthz;
3. runs locust headless (`benchmarks/load_users.py`): `--users` signed-in users, each at `--rate`
   requests per second, for `--duration` seconds;
4. after `--warmup` seconds starts an import of `--import-rows` consumption-assistance rows
   (`shanhai import`, the engine the worker runs) in another process;
5. samples the RSS of every process of the stack (and of the import) every two seconds.

It prints requests per second, p50/p95/p99, failures, per request kind, the import's time and result,
and each process's RSS growth from the end of the warm-up to the end. Bars (issue 14): ≥ 150 requests/s,
p95 < 150 ms, 0 errors, RSS growth < 10 % for every process.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import ipaddress
import json
import os
import random
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BARS = {"rps": 150.0, "p95_ms": 150.0, "rss_growth": 0.10}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (production settings send cookies over HTTPS only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


# --- accounts, pages and the import file (Django, in this process) ----------------------------------------


def plan_build(database_url: str, work: Path, year: int, import_rows: int) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.settings.base")
    os.environ["SHANHAI_VAR_DIR"] = str(work / "setup-var")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.urls import reverse

    from shanhai.accounts.models import Scope
    from shanhai.accounts.roles import NATIONAL, PROVINCE, VIEWER
    from shanhai.api.models import ApiToken
    from shanhai.network.models import Pairing
    from shanhai.regions.models import Region

    call_command("migrate", verbosity=0)  # the stack migrates too; the accounts below need the tables now
    county_pairs = Pairing.objects.filter(kind="county").select_related("west_region")
    by_province: dict[str, list[Pairing]] = {}
    for p in county_pairs:
        by_province.setdefault(p.west_region.path.split("/", 1)[0], []).append(p)
    provinces = sorted(by_province, key=lambda c: -len(by_province[c]))[:2]
    accounts = []

    def account(username: str, group: str, scope_label: str, region: Region | None, pairings: list[Pairing],
                region_codes: list[str]) -> None:
        password = secrets.token_urlsafe(18)
        user, _new = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.is_staff = True  # officers sign in through the admin's login form (LOGIN_URL)
        user.save()
        user.groups.set([Group.objects.get(name=group)])
        Scope.objects.filter(user=user).delete()
        if region is not None:
            Scope.objects.create(user=user, region=region)
        _row, token = ApiToken.issue(user, "load benchmark", days=1)
        q = f"?year={year}"
        pages = {
            "overview": [reverse("web:overview") + q, reverse("web:overview")],
            "region": [reverse("web:region", args=[c]) + q + "&side=west" for c in region_codes],
            "pairing": [reverse("web:pairing", args=[p.pk]) + q for p in pairings[:20]],
            "map_data": [reverse("web:map_data") + q] + [reverse("web:map_data") + f"{q}&province={c}" for c in region_codes[:1]],
            "map": [reverse("web:map") + q + "&national=1"],
        }
        api = [f"/api/economy/sales?pairing={p.pk}&year={year}&page_size=50" for p in pairings[:5]] + [
            f"/api/projects/funds?pairing={p.pk}&page_size=50" for p in pairings[:5]] + [
            f"/api/network/pairings?pairing={p.pk}&page_size=50" for p in pairings[:5]]
        accounts.append({"username": username, "password": password, "token": token, "scope": scope_label,
                         "pages": pages, "api": api})

    all_pairs = [p for code in provinces for p in by_province[code]]
    account("bench_load_national", NATIONAL, "national", None, all_pairs, provinces)
    for code in provinces:
        province = Region.objects.get(code=code)
        pairs = by_province[code]
        account(f"bench_load_{code}", PROVINCE, "province", province, pairs, [code])
        county = pairs[0].west_region
        account(f"bench_load_{county.code}", VIEWER, "county", county,
                [p for p in pairs if p.west_region_id == county.pk], [county.code])
    # The import: consumption-assistance rows spread over the county pairs, new ones each run.
    tag = secrets.token_hex(3)
    rng = random.Random(tag)
    path = work / "sales.csv"
    ids = [p.pk for p in all_pairs]
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["结对编号", "年度", "月份", "产品类别", "销售渠道", "供货方", "采购方", "金额"])
        for i in range(import_rows):
            w.writerow([rng.choice(ids), year, rng.randint(1, 12), "农产品", "食堂采购", f"压测供货方{tag}-{i}",
                        "机关食堂", rng.randint(1_000, 90_000)])
    User.objects.filter(username="bench_load_importer").delete()
    User.objects.create_superuser("bench_load_importer", password=secrets.token_urlsafe(18))
    return {"accounts": accounts, "import_file": str(path), "provinces": provinces}


# --- the stack, the import, the samples -------------------------------------------------------------------


def stack_env(work: Path, database_url: str, port: int, redis_port: int, cert: Path, key: Path,
              workers: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHANHAI_", "DJANGO_", "PYTEST_"))}
    env.update({
        "PATH": f"{BIN}:{env.get('PATH', '')}", "DJANGO_SETTINGS_MODULE": "shanhai.settings.production",
        "DATABASE_URL": database_url, "SHANHAI_SECRET_KEY": secrets.token_urlsafe(64),
        "SHANHAI_PII_HASH_KEY": secrets.token_urlsafe(48), "SHANHAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SHANHAI_VAR_DIR": str(work / "var"), "SHANHAI_BIND": f"127.0.0.1:{port}",
        "SHANHAI_REDIS_PORT": str(redis_port), "SHANHAI_TLS_CERT": str(cert), "SHANHAI_TLS_KEY": str(key),
        "PYTHONUNBUFFERED": "1",
    })
    if workers:
        env["SHANHAI_WORKERS"] = str(workers)
    (work / "empty.env").write_text("")
    return env


def wait_healthy(base: str, context: ssl.SSLContext, proc: subprocess.Popen, log: Path, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/healthz", context=context, timeout=10) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ssl.SSLError):
            pass
        time.sleep(1)
    raise SystemExit(f"the stack did not become healthy:\n{log.read_text(errors='replace')[-3000:]}")


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_kb(pid: int) -> tuple[str, int] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return cmd, int(line.split()[1])
    return None


class Sampler(threading.Thread):
    """RSS of every process under the given roots, every `every` seconds: {pid: (command, [(t, kB)])}."""

    def __init__(self, roots: list[int], every: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.roots, self.every, self.stop = roots, every, threading.Event()
        self.samples: dict[int, tuple[str, list[tuple[float, int]]]] = {}
        self.t0 = time.monotonic()

    def run(self) -> None:
        while not self.stop.is_set():
            now = time.monotonic() - self.t0
            for root in list(self.roots):
                for pid in descendants(root):
                    found = rss_kb(pid)
                    if found is None or not found[0]:
                        continue
                    cmd, kb = found
                    self.samples.setdefault(pid, (cmd, []))[1].append((now, kb))
            self.stop.wait(self.every)


def short(cmd: str) -> str:
    for key, label in (("redis-server", "redis"), ("gunicorn", "gunicorn"), ("shanhai worker", "worker"),
                       (" import ", "import"), ("honcho", "honcho")):
        if key in cmd:
            return label
    return cmd[:40]


# --- main -------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/shanhai_national")
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (the bar: 300)")
    parser.add_argument("--users", type=int, default=80, help="signed-in users locust simulates")
    parser.add_argument("--rate", type=float, default=2.5, help="requests per second per user")
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--warmup", type=int, default=30,
                        help="seconds before the import starts and RSS is based (workers load their indexes first)")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: 2 × cores + 1)")
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the production stack runs on PostgreSQL: give --database-url postgres://…")

    with tempfile.TemporaryDirectory(prefix="shanhai-load-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        plan = plan_build(args.database_url, work, args.year, 0 if args.no_import else args.import_rows)
        (work / "plan.json").write_text(json.dumps(plan, ensure_ascii=False))
        print(f"# accounts: {', '.join(a['username'] + ' (' + a['scope'] + ')' for a in plan['accounts'])}; "
              f"provinces {', '.join(plan['provinces'])}; setup {time.monotonic() - t0:.0f} s")
        cert, key = certificate(work)
        port, redis_port = free_port(), free_port()
        env = stack_env(work, args.database_url, port, redis_port, cert, key, args.workers)
        log = work / "honcho.log"
        stack = subprocess.Popen([str(BIN / "honcho"), "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT),
                                  "-e", str(work / "empty.env")], cwd=ROOT, env=env, stdout=log.open("wb"),
                                 stderr=subprocess.STDOUT, start_new_session=True)
        base = f"https://127.0.0.1:{port}"
        importer = locust = None
        sampler = Sampler([stack.pid])
        try:
            wait_healthy(base, ssl.create_default_context(cafile=str(cert)), stack, log)
            print(f"# stack healthy at {base} after {time.monotonic() - t0:.0f} s")
            sampler.start()
            locust_env = {**os.environ, "SHANHAI_LOAD_PLAN": str(work / "plan.json"), "SHANHAI_LOAD_RATE": str(args.rate)}
            locust = subprocess.Popen([str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "load_users.py"), "--headless",
                                       "--host", base, "-u", str(args.users), "-r", str(args.spawn_rate),
                                       "-t", f"{args.duration}s", "--csv", str(work / "locust"), "--only-summary",
                                       "--loglevel", "WARNING", "--stop-timeout", "10"],
                                      cwd=ROOT, env=locust_env, stdout=(work / "locust.log").open("wb"),
                                      stderr=subprocess.STDOUT)
            sampler.roots.append(locust.pid)
            time.sleep(args.warmup)
            base_t = time.monotonic() - sampler.t0
            import_started = time.monotonic()
            if not args.no_import:
                importer = subprocess.Popen([str(BIN / "shanhai"), "import", plan["import_file"], "--type", "sale",
                                             "--user", "bench_load_importer", "--accept-warnings", "--json"],
                                            cwd=ROOT, env=env, stdout=(work / "import.out").open("wb"),
                                            stderr=(work / "import.err").open("wb"))
                sampler.roots.append(importer.pid)
            import_seconds = None
            while locust.poll() is None:
                if importer is not None and import_seconds is None and importer.poll() is not None:
                    import_seconds = time.monotonic() - import_started
                time.sleep(0.5)
            if importer is not None and import_seconds is None and importer.poll() is not None:
                import_seconds = time.monotonic() - import_started
        finally:
            sampler.stop.set()
            if importer is not None and importer.poll() is None:
                importer.terminate()
                importer.wait(timeout=60)
            if stack.poll() is None:
                stack.send_signal(signal.SIGTERM)
                try:
                    stack.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(stack.pid, signal.SIGKILL)  # the group started for this run only
        report(args, work, base_t, sampler, importer, import_seconds)


def report(args, work: Path, base_t: float, sampler: Sampler, importer, import_seconds) -> None:
    stats = work / "locust_stats.csv"
    if not stats.exists():
        print((work / "locust.log").read_text(errors="replace")[-3000:])
        raise SystemExit("locust wrote no statistics")
    load = os.getloadavg()
    print(f"# machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)")
    print(f"{'request':34} {'n':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    total = None
    with stats.open() as f:
        for row in csv.DictReader(f):
            line = (f"{(row['Type'] + ' ' + row['Name'])[:34]:34} {row['Request Count']:>7} {row['Failure Count']:>5} "
                    f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")
            print(line)
            if row["Name"] == "Aggregated":
                total = row
    failures = work / "locust_failures.csv"
    if failures.exists():
        for row in list(csv.DictReader(failures.open()))[:10]:
            print(f"  failure ×{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error'][:160]}")
    if importer is not None:
        out = (work / "import.out").read_text(errors="replace").strip()
        summary = out.splitlines()[-1][:300] if out else (work / "import.err").read_text(errors="replace")[-300:]
        state = (f"finished in {import_seconds:.0f} s, exit {importer.returncode}" if import_seconds is not None
                 else "still running at the end of the load: stopped (rolled back)")
        print(f"import of {args.import_rows:,} rows in the background: {state}; {summary}")
    print("RSS per process (kB, from the end of the warm-up to the end; processes that lived ≥ half the run):")
    worst = 0.0
    span = max((t for _c, s in sampler.samples.values() for t, _kb in s), default=0) - base_t
    for pid, (cmd, series) in sorted(sampler.samples.items()):
        after = [(t, kb) for t, kb in series if t >= base_t]
        if len(after) < 2 or after[-1][0] - after[0][0] < span / 2:
            continue
        first, last = after[0][1], after[-1][1]
        growth = (last - first) / first if first else 0.0
        if short(cmd) not in ("import", "honcho") and "locust" not in cmd:
            worst = max(worst, growth)
        print(f"  {pid:>7} {short(cmd):9} {first:>8} → {last:>8}  {growth * 100:+5.1f} %   {cmd[:60]}")
    if total is None:
        return
    rps, p95, fails = float(total["Requests/s"]), float(total["95%"]), int(total["Failure Count"])
    print(f"load: {args.users} users × {args.rate}/s for {args.duration} s: {rps:.1f} requests/s "
          f"(bar ≥ {BARS['rps']:.0f}: {'met' if rps >= BARS['rps'] else 'NOT met'}), p95 {p95:.0f} ms "
          f"(bar < {BARS['p95_ms']:.0f}: {'met' if p95 < BARS['p95_ms'] else 'NOT met'}), {fails} errors "
          f"({'met' if fails == 0 else 'NOT met'}), worst RSS growth of the stack's processes {worst * 100:+.1f} % "
          f"(bar < {BARS['rss_growth'] * 100:.0f} %: {'met' if worst < BARS['rss_growth'] else 'NOT met'})")


if __name__ == "__main__":
    main()
