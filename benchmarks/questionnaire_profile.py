"""Where the time of one questionnaire request goes, in process, on PostgreSQL.

Builds a fresh database (migrate, loadcatalogue, seed_demo), logs the demo agent in with Django's
test client (production settings, DEBUG off) and, for the hello view (bare and logged in), a
recommendation page and an answer save: counts the SQL queries and the client/server round trips
of one request (libpq's protocol trace), times requests without a profiler, then profiles them
with cProfile and splits the time into session and user loading, the other middleware, the view's
queries, template rendering and the rest of the view.

    uv run python benchmarks/questionnaire_profile.py [--requests 300] [--top 25]

Exit status: 0 once measured, 2 if the setup failed.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import common
from common import SetupError

DEMO_EMAIL = "agent1@val-darmor.localhost"
DIAGNOSTIC = ("Ville de Val-d’Armor (démo)", "Diagnostic 2026")

# Functions whose cumulative time makes up each part of a request (cProfile, inclusive).
PARTS = {
    "session load": [("django/contrib/sessions/backends/cached_db.py", "load")],
    "user load": [("django/contrib/auth/__init__.py", "get_user")],
    "session save": [("django/contrib/sessions/middleware.py", "process_response")],
    "CSRF check": [("django/middleware/csrf.py", "process_view")],
    "CSP header": [("csp/middleware.py", "process_response")],
    "locale": [("django/middleware/locale.py", "process_request")],
    "URL resolving": [("django/urls/resolvers.py", "resolve")],
    "SQL: ORM and driver": [("django/db/models/sql/compiler.py", "execute_sql")],
    "the view": [
        ("diagnostics/questionnaire/views.py", "recommendation_page"),
        ("diagnostics/questionnaire/views.py", "save_answer_view"),
    ],
    "template rendering": [("django/template/loader.py", "render_to_string")],
    "JSON response": [("django/http/response.py", "__init__")],
    "test client": [("django/test/client.py", "request")],
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per path")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sort", default="cumulative", help="order of --top: cumulative, tottime")
    parser.add_argument("--page", type=int, default=1)
    common.add_database_options(parser, database="aeict_bench_profile")
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument(
        "--reuse-database", action="store_true", help="use the database of a --keep-database run"
    )
    return parser.parse_args()


class RoundTrips:
    """Counts the messages that end a client turn in libpq's trace: Query (simple protocol)
    and Sync (extended protocol); each is one wait for the server."""

    def __init__(self, connection):
        self.connection = connection
        self.path = None

    def __enter__(self):
        self.connection.ensure_connection()
        fd, self.path = tempfile.mkstemp(prefix="aeict-libpq-", suffix=".trace")
        self.file = os.fdopen(fd, "w")
        self.pgconn = self.connection.connection.pgconn
        self.pgconn.trace(self.file.fileno())
        return self

    def __exit__(self, *exc):
        self.pgconn.untrace()
        self.file.close()
        text = Path(self.path).read_text()
        os.unlink(self.path)
        self.messages = [line.split("\t")[2:4] for line in text.splitlines() if "\tF\t" in line]
        self.count = sum(1 for m in self.messages if m and m[1].split(" ")[0] in ("Query", "Sync"))
        self.statements = [
            line for line in text.splitlines() if "\tF\t" in line and "\tQuery\t" in line
        ]


class Counter:
    """An execute wrapper that keeps the SQL of every query."""

    def __init__(self, queries):
        self.queries = queries

    def __call__(self, execute, sql, params, many, context):
        self.queries.append(sql)
        return execute(sql, params, many, context)


def setup(args, media_root):
    if args.reuse_database:
        args.keep_database = True
        env = common.django_env(
            database_url=common.database_url(args.postgres, args.database),
            allowed_hosts="testserver",
            SECURE_SSL_REDIRECT="0",
            MEDIA_ROOT=str(media_root),
        )
        common.setup_django(env)
        return
    common.prepare_django(args=args, media_root=media_root)
    common.call_commands("migrate --noinput", "loadcatalogue", "seed_demo")


def measure(args, media_root):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from diagnostics.catalogue import catalogue_data
    from diagnostics.models import Diagnostic

    settings.ROOT_URLCONF = "benchmarks.hello_urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    diagnostic = Diagnostic.objects.get(collectivite__name=DIAGNOSTIC[0], title=DIAGNOSTIC[1])
    data = catalogue_data(diagnostic.catalogue_id)
    # A question of the measured page, so that a save changes what the page shows.
    scales = [q.code for q in data.questions if q.kind == "scale"]
    page_scales = [q.code for q in data.questions_by_rec.get(args.page, []) if q.kind == "scale"]
    code = (page_scales or scales)[0]
    client = Client()
    client.force_login(User.objects.get(email=DEMO_EMAIL))
    bare = Client()
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = client.cookies
    csrf.get(f"/diagnostics/{diagnostic.public_id}/preconisations/{args.page}/")
    token = csrf.cookies["csrftoken"].value
    save_url = f"/diagnostics/{diagnostic.public_id}/questions/{code}/reponse/"

    def post_form(url, body):
        # As the browser's autosave and benchmarks/questionnaire.py send it: URL-encoded.
        return csrf.post(
            url,
            urllib.parse.urlencode(body),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_CSRFTOKEN=token,
        )

    body = {f"{code}-value": "1", f"{code}-revision": 0}
    first = post_form(save_url, body)
    revision = first.json()["revision"]
    values = iter(["2", "1"] * (10 * args.requests + 100))

    def save():
        nonlocal revision
        body = {f"{code}-value": next(values), f"{code}-comment": "", f"{code}-revision": revision}
        response = post_form(save_url, body)
        assert response.status_code == 200, response.content[:300]
        revision = response.json()["revision"]
        return response

    rec_url = f"/diagnostics/{diagnostic.public_id}/preconisations/{args.page}/"

    def nothing():
        pass

    # Each path: what runs untimed before each request, and the request.
    paths = {
        "hello": (nothing, lambda: bare.get("/bench-hello/")),
        "hello, logged in": (nothing, lambda: client.get("/bench-hello/")),
        "recommendation page": (nothing, lambda: client.get(rec_url)),
        # The page just after one of its answers changed: its key changes, so it is read and
        # rendered again (the other questions' cards still come from the cache).
        "recommendation page, after a save": (save, lambda: client.get(rec_url)),
        "answer save": (nothing, save),
    }
    report = {}
    for name, (before, call) in paths.items():
        for _ in range(30):  # warm caches: catalogue, question cards, templates, connection
            before()
            assert call().status_code == 200
        queries = []
        before()
        with connection.execute_wrapper(Counter(queries)), RoundTrips(connection) as trips:
            call()
        wall, cpu = [], []
        for _ in range(args.requests):
            before()
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        # CPU time of this process only: waits on PostgreSQL and on other processes drop out.
        profiler = cProfile.Profile(time.process_time)
        for _ in range(args.requests):
            before()
            profiler.enable()
            call()
            profiler.disable()
        stats = pstats.Stats(profiler)
        total = stats.total_tt / args.requests
        parts = {}
        for part, functions in PARTS.items():
            seconds = 0.0
            for (filename, _line, function), entry in stats.stats.items():
                if any(filename.endswith(path) and function == f for path, f in functions):
                    seconds += entry[3]
            parts[part] = seconds / args.requests
        report[name] = {
            "queries": len(queries),
            "round_trips": trips.count,
            "wall_ms": statistics.median(wall) * 1000,
            "cpu_ms": statistics.median(cpu) * 1000,
            "profiled_cpu_ms": total * 1000,
            "parts_cpu_ms": {k: round(v * 1000, 3) for k, v in parts.items()},
        }
        print(f"\n== {name}: {len(queries)} queries, {trips.count} round trips")
        for message in trips.statements:
            print("   ", re.sub(r"\s+", " ", message.split("\tQuery\t", 1)[1])[:140])
        print(
            f"  median per request: {report[name]['wall_ms']:.2f} ms wall, "
            f"{report[name]['cpu_ms']:.2f} ms CPU of this process; "
            f"under cProfile {total * 1000:.2f} ms CPU"
        )
        for part, ms in report[name]["parts_cpu_ms"].items():
            if ms:
                print(f"    {part:<22} {ms:6.2f} ms  {100 * ms / (total * 1000):5.1f} %")
        if args.top:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(re.sub(r"/\S*/site-packages/", "", out.getvalue()))
    return report


def main():
    args = parse_args()
    if str(common.ROOT) not in sys.path:
        sys.path.insert(0, str(common.ROOT))

    def run(media_root):
        setup(args, media_root)
        measure(args, media_root)
        return 0

    return common.run_in_process(run, args=args, name="profile")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SetupError as error:
        print(f"Setup failed: {error}", file=sys.stderr)
        sys.exit(2)
