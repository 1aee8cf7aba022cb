"""Real servers for the tests and benches that need them: a private PostgreSQL cluster, a private
Redis, gunicorn serving `wsgi:app`, and nginx in front of gunicorn instances.

Each runs as a child process of whoever started it (never a system service), on a free loopback
port, with its files in a temporary directory, and is stopped by the code that started it. The
Debian packages they need (postgresql, redis-server, nginx) are installed by `make test`.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(poll)


def http_status(port: int, path: str = "/healthz") -> int | None:
    """The status of a plain GET on loopback, or None when nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM, group: bool = False) -> None:
    """Stop a child we started (its whole process group when it has one of its own)."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig) if group else process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait(timeout=5)


# ---------- a private PostgreSQL cluster ----------


def postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


class Cluster:
    """initdb, pg_ctl start/stop; as the postgres user when we are root (initdb refuses root)."""

    def __init__(self, bindir: Path, prefix: str = "private-pg-"):
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.data = self.root / "data"
        self.owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self.owner = pwd.getpwnam("postgres")
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self, *settings: str) -> None:
        """Start it; `settings` are extra `name=value` server settings (`-c`)."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        options += "".join(f" -c {setting}" for setting in settings)
        self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options
        )

    def stop(self, mode: str) -> None:
        self._run("pg_ctl", "stop", "-w", "-D", str(self.data), "-m", mode)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "private") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def remove(self) -> None:
        with contextlib.suppress(AssertionError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def private_cluster(prefix: str = "private-pg-", settings: tuple[str, ...] = ()) -> Iterator[Cluster]:
    """A started private cluster, removed at the end. Fails (never skips) without the binaries."""
    bindir = postgres_bindir()
    # `make test` installs Debian's postgresql (binaries and the postgres user) where they are missing.
    assert bindir is not None, "PostgreSQL's server binaries (initdb, pg_ctl) are missing: run `make test`"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise AssertionError("running as root and there is no postgres user to run initdb as") from None
    instance = Cluster(bindir, prefix)
    try:
        instance.init()
        instance.start(*settings)
        yield instance
    finally:
        instance.remove()


# ---------- a private Redis ----------


class Redis:
    """`redis-server` in the foreground on a free loopback port, keeping nothing on disk."""

    def __init__(self, workdir: Path):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        assert os.path.exists(binary), "redis-server is missing: run `make test` (Debian's redis-server)"
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            self.binary,
            "--port", str(self.port), "--bind", "127.0.0.1", "--daemonize", "no",
            "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            "--logfile", str(self.workdir / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.ping, 15, "redis-server to answer")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        _stop(self.process)


# ---------- gunicorn ----------


class Gunicorn:
    """`gunicorn wsgi:app` in a process group of its own (killed as one)."""

    def __init__(
        self, database_url: str, workdir: Path, *, name: str = "gunicorn", workers: int = 2, threads: int = 1, **env
    ):
        self.port = free_port()
        self.workers = workers
        self.threads = threads
        self.log = workdir / f"{name}.log"
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            SECRET_KEY="private-server-test",
            RATELIMIT_ENABLED="false",
            PUBLIC_BASE_URL=f"http://127.0.0.1:{self.port}",
            EVIDENCE_DIR=str(workdir / "evidence"),
            EXPORT_DIR=str(workdir / "exports"),
        )
        self.env.update({key: str(value) for key, value in env.items()})
        self.process: subprocess.Popen | None = None

    def launch(self) -> None:
        """Start it without waiting (several can then boot at once); `wait` for it to answer."""
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        if self.threads > 1:
            command += ["--threads", str(self.threads)]
        command += ["--timeout", "30", "wsgi:app"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )

    def wait(self) -> float:
        def up() -> bool:
            assert self.process is not None and self.process.poll() is None, f"gunicorn exited:\n{self.tail()}"
            return http_status(self.port) is not None

        wait_until(up, 30, "gunicorn to answer")
        return time.monotonic()

    def start(self) -> float:
        """Start and wait until it answers; the moment it did."""
        self.launch()
        return self.wait()

    def kill(self) -> float:
        """SIGKILL the master and its workers at once: no graceful anything. The moment it happened."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        killed = time.monotonic()
        self.process.wait(timeout=10)
        wait_until(lambda: http_status(self.port) is None, 10, "the killed server to go")
        return killed

    def stop(self) -> None:
        _stop(self.process, group=True)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


# ---------- nginx ----------


def nginx_binary() -> str:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(binary), "nginx is missing: run `make test` (Debian's nginx)"
    return binary


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx.conf no longer has exactly one {old!r}"
    return text.replace(old, new)


def site_config(listen_port: int, upstreams: list[int], certificate: tuple[Path, Path] | None) -> str:
    """deploy/nginx.conf with its ports (and certificate, or plain HTTP without one) swapped."""
    text = NGINX_TEMPLATE.read_text()
    assert len(upstreams) == 2, "the template names two instances"
    text = _replace_once(text, "server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} ")
    text = _replace_once(text, "server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} ")
    if certificate is not None:
        text = _replace_once(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{listen_port} ssl http2;")
        text = _replace_once(text, "/etc/ssl/danhgia/fullchain.pem", str(certificate[0]))
        text = _replace_once(text, "/etc/ssl/danhgia/privkey.pem", str(certificate[1]))
    else:
        text = _replace_once(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{listen_port};")
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("ssl_"))
    return text


def self_signed_certificate(workdir: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (the test's client trusts exactly this one) and its key."""
    certificate, key = workdir / "cert.pem", workdir / "key.pem"
    command = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", str(key), "-out", str(certificate),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return certificate, key


class Nginx:
    """Debian's nginx as a foreground child, running deploy/nginx.conf on a free loopback port,
    with its pid file, logs and temporary files in `workdir`."""

    def __init__(
        self, workdir: Path, upstreams: list[int], tls: bool = True, worker_processes: int = 1, port: int | None = None
    ):
        self.binary = nginx_binary()
        self.workdir = workdir / "nginx"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.certificate = self_signed_certificate(self.workdir) if tls else None
        self.config = self.workdir / "nginx.conf"
        temp = "\n".join(
            f"    {kind}_temp_path {self.workdir / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        site = "\n".join(
            "    " + line if line else line for line in site_config(self.port, upstreams, self.certificate).splitlines()
        )
        # Workers as root when we are root: they then read the temporary directories we made.
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.config.write_text(
            f"{user}daemon off;\nworker_processes {worker_processes};\npid {self.workdir / 'nginx.pid'};\n"
            f"error_log {self.workdir / 'error.log'} warn;\n"
            "events {\n    worker_connections 1024;\n}\n"
            "http {\n"
            "    log_format served '$upstream_addr $status \"$request\"';\n"
            f"    access_log {self.workdir / 'access.log'} served;\n{temp}\n{site}\n}}\n"
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [self.binary, "-p", str(self.workdir), "-e", str(self.workdir / "error.log"), "-c", str(self.config)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, f"nginx -t refused the configuration:\n{check.stderr}"
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up() -> bool:
            assert self.process is not None and self.process.poll() is None, f"nginx exited:\n{self.tail()}"
            return listening(self.port)

        wait_until(up, 15, "nginx to listen")

    def stop(self) -> None:
        # SIGQUIT: nginx's graceful stop (its workers finish what they serve).
        _stop(self.process, signal.SIGQUIT)

    def tail(self) -> str:
        log = self.workdir / "error.log"
        return log.read_text(errors="replace")[-4000:] if log.exists() else ""

    def upstreams_served(self) -> dict[str, int]:
        """Requests per upstream address in the access log (its `$upstream_addr` field)."""
        counts: dict[str, int] = {}
        log = self.workdir / "access.log"
        if log.exists():
            for line in log.read_text().splitlines():
                upstream = line.split(" ", 1)[0]
                counts[upstream] = counts.get(upstream, 0) + 1
        return counts
