"""A real PgBouncer in transaction pooling in front of the test PostgreSQL, for the tests of
what must hold behind one (docker-compose.yml's shape). CI installs it (`.ci/run`: apt-get
install pgbouncer); where it is missing, or the tests run on SQLite, these tests skip.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

BINARY = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgBouncer:
    """pgbouncer -q with `pool_size` server sessions per database, transaction pooling."""

    def __init__(self, *, server_host: str, server_port: int, user: str, pool_size: int = 4):
        self.port = _free_port()
        self.user = user
        self.dir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        (self.dir / "userlist.txt").write_text(f'"{user}" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"""[databases]
* = host={server_host} port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.dir}/userlist.txt
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {self.dir}/pgbouncer.log
"""
        )
        self.start()

    def start(self) -> None:
        """Start (or start again, on the same port) and wait until it accepts connections."""
        command = [BINARY, "-q", str(self.dir / "pgbouncer.ini")]
        as_user = None
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            account = pwd.getpwnam("postgres")
            for path in [self.dir, *self.dir.iterdir()]:
                os.chown(path, account.pw_uid, account.pw_gid)

            def as_user():
                os.setgid(account.pw_gid)
                os.setuid(account.pw_uid)

        self.process = subprocess.Popen(command, preexec_fn=as_user)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"pgbouncer did not start: {self.log()}")

    def kill(self) -> None:
        """Stop it at once, as an outage: every client connection drops, new ones are refused."""
        self.process.kill()
        self.process.wait()

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    def log(self) -> str:
        path = self.dir / "pgbouncer.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup, django_db_blocker):
    """A PgBouncer (transaction mode, 4 server sessions) in front of the test database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PgBouncer stands in front of PostgreSQL: set DATABASE_URL (CI does)")
    if BINARY is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer; CI installs it)")
    settings_dict = connection.settings_dict
    bouncer = PgBouncer(
        server_host=settings_dict["HOST"] or "127.0.0.1",
        server_port=int(settings_dict["PORT"] or 5432),
        user=settings_dict["USER"] or "postgres",
    )
    yield bouncer
    bouncer.stop()


def runner_env(bouncer: PgBouncer, database: str, **extra) -> dict:
    """The environment of a job-runner process that reaches `database` through PgBouncer."""
    env = {**os.environ, **extra}
    env["DATABASE_URL"] = bouncer.url(database)
    env["DATABASE_TRANSACTION_POOLING"] = "true"
    env.pop("DATABASE_REPLICA_URL", None)
    env.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
    return env
