"""A throw-away PostgreSQL cluster for the tests, made from the server installed on the
machine (Debian's ``postgresql`` package: initdb and pg_ctl under /usr/lib/postgresql/N/bin),
in a temporary folder, on a free port, with trust authentication on 127.0.0.1 only.

The server refuses to run as root: when the tests run as root, initdb and the server run as
the ``postgres`` system user (the package creates it). One cluster serves the whole test
session, shared by pytest-xdist's workers (made by the first that needs it, under a file
lock; stopped by the controller at the end); each test gets a fresh database copied from a
template that already holds the migrated schema. The crash test makes a cluster of its own,
since it kills its server."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "MATCHER_TEST_PG_DIR"
OWNER_ENV = "MATCHER_TEST_PG_OWNER"  # pid of the test run that owns the session's cluster
BIN_ENV = "MATCHER_PG_BIN"
TEMPLATE_DB = "matcher_template"


def pg_bin() -> Path | None:
    """The newest installed server's bin folder (or $MATCHER_PG_BIN), None when none."""
    if os.environ.get(BIN_ENV):
        path = Path(os.environ[BIN_ENV])
        return path if (path / "initdb").exists() else None
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def missing_reason() -> str | None:
    """Why the tests cannot start a server here, or None when they can."""
    if pg_bin() is None:
        return ("serveur PostgreSQL absent (paquet Debian « postgresql » : `make test` "
                "l'installe avec apt-get quand il en a le droit)")  # fmt: skip
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "utilisateur système « postgres » absent (le serveur refuse de tourner en root)"
    return None


def _as_server_user() -> dict:
    """subprocess arguments that run a command as the server's user (postgres when root)."""
    if os.geteuid() != 0:
        return {}
    pw = pwd.getpwnam("postgres")
    env = {**os.environ, "HOME": pw.pw_dir, "USER": "postgres", "LOGNAME": "postgres"}
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": [], "env": env}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        binary = pg_bin()
        assert binary is not None
        done = subprocess.run([str(binary / args[0]), *args[1:]], check=False,
                              capture_output=True, text=True, cwd=self.root,
                              **_as_server_user())  # fmt: skip
        if check and done.returncode:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stdout}"
                               f"{done.stderr}\n{tail}")  # fmt: skip
        return done

    @classmethod
    def create(cls, root: Path | None = None, *, fsync: bool = False) -> Cluster:
        """initdb in ``root`` (a new temporary folder by default), configured, not started."""
        root = Path(root or tempfile.mkdtemp(prefix="matcher-pg-"))
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(root, pw.pw_uid, pw.pw_gid)
        cluster = cls(root, _free_port())
        cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust",
                     "-E", "UTF8", "--locale=C", "-N")  # fmt: skip
        settings = {
            "port": cluster.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",  # TCP on 127.0.0.1 only
            "max_connections": 300,
            "shared_buffers": "'32MB'",
            "fsync": "on" if fsync else "off",
            "synchronous_commit": "on",
            "full_page_writes": "on",
            "log_min_messages": "fatal",
        }
        with open(cluster.data / "postgresql.auto.conf", "a", encoding="utf-8") as f:
            for k, v in settings.items():
                f.write(f"{k} = {v}\n")
        return cluster

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-t", "120", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None

    def running(self) -> bool:
        pid = self.postmaster_pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> int:
        """SIGKILL the server: the postmaster and every process it started (a crash, a power
        cut for the processes). Returns how many processes were killed."""
        pid = self.postmaster_pid()
        if pid is None:
            return 0
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
        killed = 0
        for p in [pid, *children]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
                killed += 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in [pid, *children]):
            time.sleep(0.05)
        # The postmaster was orphaned when pg_ctl exited; where nobody reaps orphans (a
        # container's init), it stays a zombie that the next start would take for a running
        # server: its lock file goes, as after a machine restart.
        with contextlib.suppress(FileNotFoundError):
            (self.data / "postmaster.pid").unlink()
        return killed

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def save(self) -> None:
        (self.root / "cluster.json").write_text(json.dumps({"port": self.port}))

    @classmethod
    def load(cls, root: Path) -> Cluster | None:
        try:
            port = json.loads((root / "cluster.json").read_text())["port"]
        except (FileNotFoundError, ValueError, KeyError):
            return None
        return cls(root, port)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by its parent) holds nothing any more.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)  # type: ignore[arg-type]


def prepare_template(cluster: Cluster) -> None:
    """A database holding the migrated schema (and amcheck), copied for each test."""
    from matcher.store.backend_postgres import close_pools
    from matcher.store.database import Store

    execute(cluster.url(), f"CREATE DATABASE {TEMPLATE_DB}")
    url = cluster.url(TEMPLATE_DB)
    execute(url, "CREATE EXTENSION IF NOT EXISTS amcheck")
    Store(url)
    close_pools(url)


def session_cluster(root: Path) -> Cluster:
    """The session's cluster under ``root``: made and started by the first caller (under a
    lock), found by the others."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cluster = Cluster.load(root / "cluster")
        if cluster is not None and cluster.running():
            return cluster
        cluster = Cluster.create(root / "cluster")
        cluster.start()
        owner = os.environ.get(OWNER_ENV)
        if owner:
            watch(root, int(owner))
        prepare_template(cluster)
        cluster.save()
        return cluster


_WATCHDOG = """
import os, shutil, sys, time
from pathlib import Path
sys.path.insert(0, {project!r})
from tests.pg_cluster import Cluster
while True:
    try:
        os.kill({owner}, 0)
    except ProcessLookupError:
        break
    time.sleep(2)
cluster = Cluster.load(Path({root!r}) / "cluster")
if cluster is not None:
    cluster.stop()
shutil.rmtree({root!r}, ignore_errors=True)
"""


def watch(root: Path, owner: int) -> None:
    """A detached process that stops the cluster and removes its folder once the test run
    ``owner`` is gone, even when that run was killed before it could clean up."""
    import sys

    code = _WATCHDOG.format(project=str(Path(__file__).resolve().parents[1]), owner=owner,
                            root=str(root))  # fmt: skip
    subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)  # fmt: skip


def new_database(cluster: Cluster) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    execute(cluster.url(), f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
    return cluster.url(name)


def drop_database(cluster: Cluster, url: str) -> None:
    from matcher.store.backend_postgres import close_pools

    close_pools(url)
    name = url.rsplit("/", 1)[1]
    execute(cluster.url(), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
