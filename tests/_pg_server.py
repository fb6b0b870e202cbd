"""A throwaway PostgreSQL server for the store tests, started from the installed binaries
with pytest-postgresql.

How it is found and started
---------------------------
- ``pg_ctl`` is taken from ``$NEWSDESK_PG_CTL``, else the newest
  ``/usr/lib/postgresql/<version>/bin/pg_ctl`` (Debian/Ubuntu ``apt-get install
  postgresql``), else ``pg_config --bindir``, else ``pg_ctl`` on PATH. None found, or
  pytest-postgresql / psycopg not installed: the PostgreSQL tests FAIL with the reason.
  (CI installs the server in ``.ci/run``.)
- PostgreSQL refuses to run as root. When the tests run as root, pytest-postgresql is
  given a small wrapper script instead of pg_ctl (written to a fresh temporary
  directory): it runs the real pg_ctl as the ``postgres`` user the Debian package
  creates, via ``runuser``. The data directory and log file pytest-postgresql names sit
  under pytest's temporary directory, which pytest keeps at mode 0700 and resets to
  0700 whenever another pytest session starts -- a server whose data directory is
  there dies when that happens (seen: "could not stat data directory: Permission
  denied"). So the wrapper maps each of those paths, the same way on every call
  (initdb, start, status, stop), to ``$TMPDIR/newsdesk-pg-as-postgres/<hash>/...``,
  owned by ``postgres``, and removes it after ``stop``. Run as any other user, the real
  pg_ctl is used directly.
- Each test gets a fresh database (pytest-postgresql's ``postgresql`` client fixture,
  dropped after the test) and opens it through ``open_store("postgresql://...")``.
"""
from __future__ import annotations

import glob
import os
import shutil
import stat
import subprocess
import tempfile

PG_USER_WHEN_ROOT = "postgres"

_WRAPPER = r'''#!{python}
"""pg_ctl as the "{user}" user: PostgreSQL refuses to run as root (see tests/_pg_server.py).

The data directory and log file pytest-postgresql names live under pytest's temporary
directory, which pytest keeps at mode 0700 for root (and resets to 0700 whenever a new
pytest session starts), so the "{user}" user could not reach them. Each such path is
mapped, the same way on every call, to one under {base}, owned by "{user}".
"""
import hashlib, os, pwd, shutil, subprocess, sys

REAL, USER, BASE = {real!r}, {user!r}, {base!r}
pw = pwd.getpwnam(USER)


def mapped(path):
    # keyed by the parent: the data directory and the log file land side by side, and
    # removing that directory after "stop" removes both
    path = os.path.abspath(path)
    key = hashlib.sha1(os.path.dirname(path).encode()).hexdigest()[:16]
    return os.path.join(BASE, key, os.path.basename(path))


os.makedirs(BASE, exist_ok=True)
os.chmod(BASE, 0o711)
args, command = [], sys.argv[1:2]
datadir = None
it = iter(sys.argv[1:])
for a in it:
    args.append(a)
    if a in ("-D", "--pgdata", "-l", "--log"):
        original = next(it)
        value = mapped(original)
        args.append(value)
        if command not in (["initdb"], ["start"]):
            if a in ("-D", "--pgdata"):
                datadir = value
            continue  # status, stop: nothing to prepare
        parent = os.path.dirname(value)
        os.makedirs(parent, exist_ok=True)
        os.chmod(parent, 0o711)
        if a in ("-D", "--pgdata"):
            datadir = value
            # pytest-postgresql checks that its own path exists before asking for status
            os.makedirs(original, exist_ok=True)
            if command == ["initdb"]:
                shutil.rmtree(datadir, ignore_errors=True)
                os.makedirs(datadir, mode=0o700)
                os.chown(datadir, pw.pw_uid, pw.pw_gid)
        else:
            open(value, "a").close()
            os.chown(value, pw.pw_uid, pw.pw_gid)
os.chdir("/")
cmd = ["runuser", "-u", USER, "--", REAL, *args]
if command == ["stop"] and datadir:
    code = subprocess.call(cmd)
    if code == 0:
        shutil.rmtree(os.path.dirname(datadir), ignore_errors=True)
    sys.exit(code)
os.execvp("runuser", cmd)
'''


def find_pg_ctl() -> str | None:
    env = os.environ.get("NEWSDESK_PG_CTL")
    if env:
        return env if os.access(env, os.X_OK) else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return found[-1]
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            bindir = subprocess.check_output([pg_config, "--bindir"], text=True).strip()
            if os.access(os.path.join(bindir, "pg_ctl"), os.X_OK):
                return os.path.join(bindir, "pg_ctl")
        except (OSError, subprocess.CalledProcessError):
            pass
    return shutil.which("pg_ctl")


def pg_executable() -> tuple[str | None, str]:
    """(pg_ctl to give pytest-postgresql, or None; the reason when None)."""
    try:
        import psycopg  # noqa: F401
        import pytest_postgresql  # noqa: F401
    except ImportError as exc:
        return None, f"PostgreSQL tests need psycopg and pytest-postgresql ({exc}): pip install -e '.[test]'"
    real = find_pg_ctl()
    if real is None:
        return None, ("PostgreSQL server binaries not found (no pg_ctl): "
                      "apt-get install postgresql, or set NEWSDESK_PG_CTL")
    if os.geteuid() != 0:
        return real, ""
    import pwd
    try:
        pwd.getpwnam(PG_USER_WHEN_ROOT)
    except KeyError:
        return None, f"running as root and there is no {PG_USER_WHEN_ROOT!r} user to run PostgreSQL as"
    runuser = shutil.which("runuser")
    if runuser is None:
        return None, "running as root and runuser (util-linux) is missing"
    import sys
    wrapper_dir = tempfile.mkdtemp(prefix="newsdesk-pgctl-")
    wrapper = os.path.join(wrapper_dir, "pg_ctl")
    with open(wrapper, "w") as fh:
        fh.write(_WRAPPER.format(python=sys.executable, real=real, user=PG_USER_WHEN_ROOT,
                                 base=os.path.join(tempfile.gettempdir(), "newsdesk-pg-as-postgres")))
    os.chmod(wrapper, stat.S_IRWXU)
    import atexit
    atexit.register(shutil.rmtree, wrapper_dir, True)  # after the session stopped the server
    return wrapper, ""


def engine_url(request, tmp_path, name: str, pg_fixture: str, pg_ctl, pg_skip: str) -> str:
    """The store URL of a fixture run on both engines (``request.param``): a SQLite file
    ``name`` under ``tmp_path``, or a fresh database of the pytest-postgresql ``pg_fixture``."""
    import pytest
    if request.param == "sqlite":
        return str(tmp_path / name)
    if not pg_ctl:
        pytest.fail(f"PostgreSQL is needed here: {pg_skip}", pytrace=False)
    i = request.getfixturevalue(pg_fixture).info
    return f"postgresql://{i.user}@{i.host}:{i.port}/{i.dbname}"
