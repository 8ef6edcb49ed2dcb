"""Setup, server, statistics and report helpers shared by the benchmark scripts."""

import http.client
import io
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
HOST = "127.0.0.1"
SECRET_KEY = "benchmark-only-not-a-secret"
# Served over plain HTTP on the loopback: no redirect to HTTPS, cookies without the Secure flag.
PLAIN_HTTP = {
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}


class SetupError(Exception):
    """The benchmark could not be set up or run: exit status 2."""


# Command line and exit status -------------------------------------------------------------------


def add_database_options(parser, *, database):
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL, without database name",
    )
    parser.add_argument("--database", default=database, help="dropped and recreated")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_benchmark(measure, *, args, timeout=None, cleanup=None):
    """Return measure()'s exit status, 2 if the setup failed, 130 if interrupted.

    args holds the options of add_database_options: the database is dropped at the end unless
    --keep-database, after cleanup(). Past timeout seconds the run is interrupted.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupt)
    watchdog = None
    if timeout is not None:
        # SIGTERM rather than an exception in the timer's thread: the main thread must unwind.
        watchdog = threading.Timer(timeout, lambda: os.kill(os.getpid(), signal.SIGTERM))
        watchdog.daemon = True
        watchdog.start()
    try:
        return measure()
    except SetupError as error:
        print(f"Setup failed: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        over = "" if timeout is None else f" (or over --timeout {timeout:g} s)"
        print(f"Interrupted{over}.", file=sys.stderr)
        return 130
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if cleanup is not None:
            cleanup()
        if not args.keep_database:
            try:
                recreate_database(server=args.postgres, name=args.database, create=False)
            except SetupError as error:
                print(f"Could not drop {args.database}: {error}", file=sys.stderr)


def run_in_process(measure, *, args, name):
    """run_benchmark for a script that sets Django up in this process (prepare_django).

    measure(media_root) gets a temporary MEDIA_ROOT, removed at the end; args.timeout applies.
    """
    media_root = Path(tempfile.mkdtemp(prefix=f"aeict-bench-{name}-"))

    def cleanup():
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(media_root, ignore_errors=True)

    return run_benchmark(
        lambda: measure(media_root), args=args, timeout=args.timeout, cleanup=cleanup
    )


# Database and Django ----------------------------------------------------------------------------


def database_url(server, name):
    return f"{server.rstrip('/')}/{name}"


def recreate_database(*, server, name, create=True):
    """Drop the database, closing its connections, then create it empty unless create is false."""
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
            identifier = sql.Identifier(name)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
            if create:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    except psycopg.Error as error:
        raise SetupError(f"PostgreSQL: {error}") from error


def django_env(*, database_url, settings="aeict.settings", allowed_hosts=HOST, **extra):
    """The environment variables that configure the application in production mode (DEBUG=0)."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": allowed_hosts,
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def setup_django(env=None):
    """Set up Django in this process, after adding env to the environment."""
    # The project is not an installed package, and scripts start with benchmarks/ on the path.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(env or {})
    import django

    django.setup()


def prepare_django(*, args, media_root):
    """Recreate the database, then set Django up on it in this process, for its test client."""
    print(f"Preparing database {args.database} (PostgreSQL)…", flush=True)
    recreate_database(server=args.postgres, name=args.database)
    env = django_env(
        database_url=database_url(args.postgres, args.database),
        allowed_hosts="testserver",
        SECURE_SSL_REDIRECT="0",
        TASKS_BACKEND="immediate",
        MEDIA_ROOT=str(media_root),
    )
    setup_django(env)


def call_commands(*commands):
    """Run manage.py commands such as "migrate --noinput" quietly in this process."""
    from django.core.management import call_command

    for command in commands:
        words = command.split()
        print(f"  manage.py {words[0]}", flush=True)
        call_command(*words, verbosity=0, stdout=io.StringIO())


def manage(*command, env):
    """Run manage.py in a child process; returns its standard output."""
    step = command[0]
    print(f"  manage.py {step}", flush=True)
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SetupError(f"manage.py {step} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare_database(*commands, args, env):
    """Recreate the database for gunicorn: migrate, collectstatic, loadcatalogue, then commands."""
    print(f"Preparing database {args.database}…", flush=True)
    recreate_database(server=args.postgres, name=args.database)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    manage("loadcatalogue", env=env)
    for command in commands:
        manage(command, env=env)


def json_line(output, *, prefix="BENCH_JSON "):
    """The JSON printed after prefix on a line of output, or None."""
    for line in output.splitlines():
        if line.startswith(prefix):
            return json.loads(line.removeprefix(prefix))
    return None


# gunicorn ---------------------------------------------------------------------------------------


def port_in_use(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def start_gunicorn(*options, port, env, log_path, description):
    """Serve the application with gunicorn on HOST:port; options follow the bind address."""
    if port_in_use(port):
        raise SetupError(f"port {port} is already in use: choose another with --port")
    command = [sys.executable, "-m", "gunicorn", "aeict.wsgi", "-b", f"{HOST}:{port}", *options]
    with log_path.open("w") as log:
        # Its own session, so that stop_gunicorn can signal the workers it forks with it.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    print(f"gunicorn pid {process.pid}: {description} on {HOST}:{port}", flush=True)
    return process


def stop_gunicorn(process, *, timeout=15):
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def check_running(process, *, log_path):
    if process.poll() is not None:
        raise SetupError(f"gunicorn died during the run:\n{log_tail(log_path)}")


def log_tail(path, *, lines=40):
    try:
        return "\n".join(path.read_text().splitlines()[-lines:])
    except OSError:
        return ""


def wait_until_ready(process, *, port, path, log_path, timeout=60.0):
    """Wait until GET path answers 200; a redirect or an error means the setup is wrong."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"gunicorn exited ({process.returncode}):\n{log_tail(log_path)}")
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
            if response.status >= 300:
                raise SetupError(f"GET {path} answered {response.status}:\n{log_tail(log_path)}")
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise SetupError(f"gunicorn did not answer within {timeout:.0f} s:\n{log_tail(log_path)}")


# Figures and results ----------------------------------------------------------------------------


def percentile(sorted_values, fraction):
    """Nearest-rank percentile (fraction 0.99 for p99) of sorted values; None if there are none."""
    if not sorted_values:
        return None
    index = max(0, min(len(sorted_values) - 1, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def print_table(rows):
    """Print rows in columns, the first left-aligned, with a rule under the header row."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if index == 0:
            print("  ".join("-" * w for w in widths))


def load_averages():
    return [round(v, 2) for v in os.getloadavg()]


def describe_load(start):
    """One line on the machine's load since start (load_averages() taken then)."""
    return (
        f"load average (1 min) {start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
        f"end, on {os.cpu_count()} CPUs"
    )


def machine_info(*, load_average_start=None, **extra):
    """The machine for the results; with load_average_start, the load averages since then."""
    info = {"cpus": os.cpu_count()}
    if load_average_start is not None:
        info["load_average_start"] = load_average_start
        info["load_average_end"] = load_averages()
    return {**info, "python": platform.python_version(), "platform": platform.platform(), **extra}


def write_results(report, *, benchmark, machine):
    """Write benchmarks/results/<benchmark>.json; returns its path relative to the checkout."""
    path = RESULTS_DIR / f"{benchmark}.json"
    document = {
        "benchmark": benchmark,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        **report,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path.relative_to(ROOT)
