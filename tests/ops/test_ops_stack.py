"""The production start, for real: `honcho start -f Procfile` (Redis, preflight, migrate, collectstatic,
gunicorn serving HTTPS on a free loopback port) against the PostgreSQL at 127.0.0.1:5432, database
shanhai_b (SHANHAI_STACK_DATABASE_URL), then a page, a static file and /healthz fetched from it; and the
same start refused when the settings are unsafe."""

import datetime as dt
import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("SHANHAI_STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shanhai_b")
CI = os.environ.get("CI") == "true"


def _need(condition: bool, why: str) -> None:
    if not condition:
        (pytest.fail if CI else pytest.skip)(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_ready() -> bool:
    """The stack's database answers; it is created if missing (a fresh machine has none of that name)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(DATABASE_URL.replace("postgres://", "postgresql://", 1))
    name = info.pop("dbname")
    try:
        with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True, connect_timeout=5) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (what a province's own CA would issue)."""
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
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def _env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    import secrets

    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHANHAI_", "DJANGO_", "PYTEST_"))}
    env.update({
        "PATH": f"{BIN}:{env.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "shanhai.settings.production",
        "DATABASE_URL": DATABASE_URL,
        "SHANHAI_SECRET_KEY": secrets.token_urlsafe(64),
        "SHANHAI_PII_HASH_KEY": secrets.token_urlsafe(48),
        "SHANHAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SHANHAI_VAR_DIR": str(tmp_path / "var"),
        "SHANHAI_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(overrides)
    return env


def _honcho(tmp_path: Path, env: dict[str, str], command: list[str] | None = None) -> subprocess.Popen:
    log = (tmp_path / "honcho.log").open("wb")
    command = command or [str(BIN / "honcho"), "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT),
                          "-e", str(tmp_path / "empty.env")]  # not a developer's .env
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # honcho passes it to gunicorn and redis-server
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group started for this honcho only
            proc.wait(timeout=10)


def _get(url: str, context: ssl.SSLContext, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        return urllib.request.urlopen(request, context=context, timeout=10)  # noqa: S310 - https on loopback
    except urllib.error.HTTPError as error:
        return error


@pytest.fixture(scope="module")
def stack_ready():
    _need(shutil.which("redis-server") is not None, "redis-server is not installed (apt-get install redis-server)")
    _need(_postgres_ready(), f"PostgreSQL does not answer at {DATABASE_URL}")


def test_the_procfile_serves_https_with_healthz(tmp_path, stack_ready):
    cert, key = _certificate(tmp_path)
    port, redis_port = _free_port(), _free_port()
    env = _env(tmp_path, SHANHAI_BIND=f"127.0.0.1:{port}", SHANHAI_REDIS_PORT=str(redis_port),
               SHANHAI_TLS_CERT=str(cert), SHANHAI_TLS_KEY=str(key))
    context = ssl.create_default_context(cafile=str(cert))
    proc = _honcho(tmp_path, env)
    base = f"https://127.0.0.1:{port}"
    try:
        deadline, health = time.monotonic() + 300, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = _get(f"{base}/healthz", context)
                if health.status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, ssl.SSLError):
                pass
            time.sleep(1)
        output = (tmp_path / "honcho.log").read_text(errors="replace")
        assert health is not None and health.status == 200, output[-4000:]
        body = json.loads(health.read())
        assert body["status"] == "ok" and body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
        # The Procfile's worker waits for the web line's migrations, then says it is alive.
        while time.monotonic() < deadline and body["checks"]["queue"]["worker_seen_seconds"] is None:
            time.sleep(1)
            body = json.loads(_get(f"{base}/healthz", context).read())
        assert body["checks"]["queue"]["ok"] and body["checks"]["queue"]["queued"] == 0
        assert body["checks"]["queue"]["worker_seen_seconds"] is not None, output[-4000:]

        page = _get(f"{base}/admin/login/", context)
        html = page.read().decode()
        assert page.status == 200 and "山海" in html
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookies = page.headers.get_all("Set-Cookie")
        assert cookies and all("Secure" in c and "SameSite=Lax" in c for c in cookies)
        request_id = page.headers["X-Request-ID"]

        assert _get(f"{base}/", context).status == 200  # redirected to the login (urllib follows)
        static = _get(f"{base}/static/shanhai/site.css", context)
        assert static.status == 200 and "text/css" in static.headers["Content-Type"]  # whitenoise
        assert _get(f"{base}/static/shanhai/language.js", context).status == 200

        time.sleep(1)
        lines = [line.split("| ", 1)[-1] for line in (tmp_path / "honcho.log").read_text().splitlines()]
        access = [json.loads(line) for line in lines if line.startswith("{") and '"gunicorn.access"' in line]
        assert any(a["request_id"] == request_id and a["path"] == "/admin/login/" and a["status"] == 200
                   for a in access), lines[-20:]
    finally:
        _stop(proc)
    assert proc.returncode is not None


@pytest.mark.parametrize(("override", "code"), [
    ({"SHANHAI_DEBUG": "true"}, "shanhai.E001"),
    ({"SHANHAI_SECRET_KEY": "short-key"}, "shanhai.E002"),
    ({"SHANHAI_PII_HASH_KEY": ""}, "shanhai.E003"),
    ({"SHANHAI_ALLOWED_HOSTS": ""}, "shanhai.E004"),
    ({"SHANHAI_SECURE_COOKIES": "false"}, "shanhai.E005"),
    ({"SHANHAI_HSTS_SECONDS": "0"}, "shanhai.E006"),
    ({"DATABASE_URL": "sqlite:////tmp/shanhai-preflight-never.sqlite3"}, "shanhai.E007"),
])
def test_preflight_refuses_unsafe_settings(tmp_path, override, code):
    env = _env(tmp_path, **override)
    done = subprocess.run([str(BIN / "shanhai"), "preflight", "--no-database"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and code in done.stderr, done.stderr


def test_preflight_passes_safe_settings(tmp_path):
    done = subprocess.run([str(BIN / "shanhai"), "preflight", "--no-database"], env=_env(tmp_path), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_unsafe_settings_stop_the_whole_start(tmp_path, stack_ready):
    """`shanhai serve` (what `make serve` runs) with DEBUG on and no identity-hash key: nothing listens."""
    port, redis_port = _free_port(), _free_port()
    env = _env(tmp_path, SHANHAI_DEBUG="true", SHANHAI_PII_HASH_KEY="", SHANHAI_BIND=f"127.0.0.1:{port}",
               SHANHAI_REDIS_PORT=str(redis_port))
    env.pop("DJANGO_SETTINGS_MODULE")  # serve picks production
    proc = _honcho(tmp_path, env, [str(BIN / "shanhai"), "serve"])
    try:
        proc.wait(timeout=120)
    finally:
        _stop(proc)
    output = (tmp_path / "honcho.log").read_text(errors="replace")
    assert proc.returncode != 0, output
    assert "shanhai.E001" in output and "shanhai.E003" in output
    assert "Booting worker" not in output and "Listening at" not in output
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
