"""Questionnaire throughput under gunicorn on PostgreSQL, against a bare hello view.

Builds a fresh database (migrate, collectstatic, loadcatalogue, seed_demo), serves the application
with gunicorn on 127.0.0.1 (settings: benchmarks.settings, which adds /bench-hello/) and measures,
one endpoint after the other, requests per second and p50/p99 latency of the hello view without
cookies (the reference), of the same view with a logged-in session, of a recommendation page (GET)
and of an answer save (POST, JSON). Prints the ratios to the hello view and writes
benchmarks/results/questionnaire.json.

    uv run python benchmarks/questionnaire.py [--duration 10] [--rounds 3] [--client wrk|python]

The load comes from wrk when it is installed (apt-get install wrk), else from a Python client
that competes with the server for the CPU and so understates the hello view the most.

Exit status: 0 once measured (targets met or not), 1 if an endpoint had more than 1 % errors,
2 if the setup failed.
"""

import argparse
import http.client
import http.cookiejar
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import common
from common import HOST, SetupError

GUNICORN_LOG = common.RESULTS_DIR / "questionnaire-gunicorn.log"

DEMO_EMAIL = "agent1@val-darmor.localhost"
DEMO_PASSWORD = "demo-aeict-2026"
DIAGNOSTIC = ("Ville de Val-d’Armor (démo)", "Diagnostic 2026")
TARGETS = {"rec_page": 15.0, "save": 25.0}
CPU_KEYS = ("cpu_ms", "app_cpu_ms", "db_cpu_ms")
MAX_ERROR_RATE = 0.01
SAVE_VALUES = ("1", "2")

LOOKUP_SNIPPET = """
import json
from diagnostics.catalogue import catalogue_data
from diagnostics.models import Diagnostic
d = Diagnostic.objects.get(collectivite__name={name!r}, title={title!r})
data = catalogue_data(d.catalogue_id)
codes = [
    q.code for q in data.questions
    if q.kind == "scale" and len(data.options_by_question.get(q.pk, [])) >= 3
]
print("BENCH_JSON " + json.dumps({{"public_id": str(d.public_id), "scale_codes": codes}}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured each")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up each")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent connections")
    parser.add_argument("--rounds", type=int, default=1, help="medians over this many rounds")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--reference",
        choices=["bare", "session"],
        default="bare",
        help="hello view of the ratios: without cookies (bare) or logged in (session)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--page", type=int, default=1, help="recommendation number of the page")
    common.add_database_options(parser, database="aeict_bench")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="per endpoint (Python client)"
    )
    args = parser.parse_args()
    if args.concurrency < 1 or args.rounds < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--concurrency and --rounds must be ≥ 1, --duration > 0, --warmup ≥ 0")
    return args


# Setup ------------------------------------------------------------------------------------------


def prepare_data(args, env):
    common.prepare_database("seed_demo", args=args, env=env)
    snippet = LOOKUP_SNIPPET.format(name=DIAGNOSTIC[0], title=DIAGNOSTIC[1])
    output = common.manage("shell", "-c", snippet, env=env)
    found = common.json_line(output)
    if found is None:
        raise SetupError(f"diagnostic lookup printed nothing usable:\n{output}")
    if len(found["scale_codes"]) < args.concurrency:
        raise SetupError(
            f"{len(found['scale_codes'])} scale questions for {args.concurrency} "
            "connections: lower --concurrency"
        )
    return found


def start_gunicorn(args, env):
    options = ["-w", str(args.workers), "-k", args.worker_class]
    if args.worker_class == "gthread":
        options += ["--threads", str(args.threads)]
    return common.start_gunicorn(
        *options,
        port=args.port,
        env=env,
        log_path=GUNICORN_LOG,
        description=f"{args.workers} {args.worker_class} workers",
    )


# Session ----------------------------------------------------------------------------------------


def log_in(port):
    """Log in over HTTP like a browser; returns the cookies and the CSRF token to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    base = f"http://{HOST}:{port}"

    def cookies():
        return {cookie.name: cookie.value for cookie in jar}

    opener.open(f"{base}/connexion/", timeout=10).read()
    if "csrftoken" not in cookies():
        raise SetupError("GET /connexion/ set no csrftoken cookie")
    form = {
        "username": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "csrfmiddlewaretoken": cookies()["csrftoken"],
    }
    body = urllib.parse.urlencode(form).encode()
    with opener.open(f"{base}/connexion/", data=body, timeout=10) as response:
        response.read()
        landed = urllib.parse.urlsplit(response.geturl()).path
    found = cookies()
    if "sessionid" not in found or landed == "/connexion/":
        raise SetupError(f"log in as {DEMO_EMAIL} failed (ended on {landed})")
    return found


class Session:
    def __init__(self, port, cookies):
        self.port = port
        self.csrf = cookies["csrftoken"]
        self.cookie_header = "; ".join(f"{k}={v}" for k, v in sorted(cookies.items()))

    def headers(self, post=False, auth=True):
        headers = {"Cookie": self.cookie_header} if auth else {}
        if post:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.csrf
        return headers

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body, self.headers(post=method == "POST"))
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def save_path(public_id, code):
    return f"/diagnostics/{public_id}/questions/{code}/reponse/"


def save_body(code, value, revision):
    return urllib.parse.urlencode(
        {f"{code}-value": value, f"{code}-comment": "", f"{code}-revision": revision}
    )


def current_revision(session, public_id, code):
    """Revision of an answer, read back from a save based on revision 0 (saved or conflict)."""
    status, body = session.request(
        "POST", save_path(public_id, code), save_body(code, SAVE_VALUES[0], 0)
    )
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {}
    if status not in (200, 409) or "revision" not in payload:
        raise SetupError(f"answer save of {code} returned {status}: {body[:300]!r}")
    return payload["revision"]


def check_endpoints(session, rec_path):
    status, body = session.request("GET", rec_path)
    if status != 200:
        raise SetupError(f"GET {rec_path} returned {status}")
    fields = body.count(b"<input") + body.count(b"<textarea")
    print(f"  recommendation page: {len(body)} bytes, {fields} input/textarea elements")


# Load: Python client ----------------------------------------------------------------------------


class Endpoint:
    """One endpoint under load; each connection gets its own state (slot)."""

    def __init__(self, key, label, method, path, codes=(), revisions=(), auth=True):
        self.key = key
        self.label = label
        self.method = method
        self.path = path
        self.auth = auth
        self.codes = list(codes)
        self.revisions = list(revisions)

    @property
    def is_save(self):
        return bool(self.codes)


def python_worker(session, endpoint, slot, window, stop, max_requests, out):
    start, end = window
    conn = http.client.HTTPConnection(HOST, session.port, timeout=30)
    headers = session.headers(post=endpoint.method == "POST", auth=endpoint.auth)
    latencies, failures, sent = [], {}, 0
    if endpoint.is_save:
        code, revision = endpoint.codes[slot], endpoint.revisions[slot]
        path = endpoint.path.format(code=code)
    else:
        path = endpoint.path
    while not stop.is_set() and sent < max_requests:
        body = None
        if endpoint.is_save:
            body = save_body(code, SAVE_VALUES[sent % 2], revision)
        began = time.perf_counter()
        if began >= end:
            break
        try:
            conn.request(endpoint.method, path, body, headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            status, data = 0, b""
        finished = time.perf_counter()
        sent += 1
        if endpoint.is_save and status == 200:
            revision = json.loads(data)["revision"]
        if began >= start and finished <= end:
            latencies.append(finished - began)
            if not 200 <= status < 300:
                failures[status] = failures.get(status, 0) + 1
    conn.close()
    out[slot] = (latencies, failures, sent)


def run_python(session, endpoint, args, server):
    """Server CPU per request: over every request sent, warm-up included (the client's own CPU
    is not counted, only that of the gunicorn workers and of PostgreSQL)."""
    cpu = server.cpu_seconds()
    stop = threading.Event()
    start = time.perf_counter() + args.warmup
    window = (start, start + args.duration)
    out = [None] * args.concurrency
    per_worker = max(1, args.max_requests // args.concurrency)
    workers = [
        threading.Thread(
            target=python_worker,
            args=(session, endpoint, slot, window, stop, per_worker, out),
            daemon=True,
        )
        for slot in range(args.concurrency)
    ]
    for worker in workers:
        worker.start()
    try:
        for worker in workers:
            while worker.is_alive():
                worker.join(timeout=0.5)
    finally:
        stop.set()
    cpu = server.cpu_seconds(since=cpu)
    sent = sum(result[2] for result in out if result)
    latencies = sorted(value for result in out if result for value in result[0])
    failures = {}
    for result in out:
        for status, count in (result[1] if result else {}).items():
            failures[status] = failures.get(status, 0) + count
    return (
        {"load_1min": common.load_averages()[0]}
        | cpu_per_request(cpu, sent)
        | summarize(len(latencies), failures, args.duration, latencies)
    )


def summarize(requests, failures, seconds, sorted_latencies_s=None, p50_s=None, p99_s=None):
    """failures: count by HTTP status of the non-2xx responses, 0 for connection errors."""
    if sorted_latencies_s is not None:
        p50_s = common.percentile(sorted_latencies_s, 0.50)
        p99_s = common.percentile(sorted_latencies_s, 0.99)
    return {
        "requests": requests,
        "errors": sum(failures.values()),
        "errors_by_status": {str(k): v for k, v in sorted(failures.items())},
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(p50_s * 1000, 2) if p50_s is not None else None,
        "p99_ms": round(p99_s * 1000, 2) if p99_s is not None else None,
    }


# Load: wrk --------------------------------------------------------------------------------------

WRK_SCRIPT = """
local codes = {codes}
local revisions = {revisions}
local base_path = {path}
local is_save = {is_save}
local counter = 0
local threads = {{}}

wrk.method = {method}
wrk.path = base_path
if {auth} then
  wrk.headers["Cookie"] = {cookie}
end
if is_save then
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["X-CSRFToken"] = {csrf}
end

function setup(thread)
  counter = counter + 1
  thread:set("slot", counter)
  table.insert(threads, thread)
end

function init(args)
  failures = {{}}
  sent = 0
  if is_save then
    code = codes[slot]
    revision = revisions[slot]
    path = string.gsub(base_path, "{{code}}", code)
  end
end

if is_save then
  function request()
    sent = sent + 1
    local value = (sent % 2 == 1) and {first} or {second}
    local body = code .. "-value=" .. value .. "&" .. code .. "-comment=&" .. code
      .. "-revision=" .. revision
    return wrk.format("POST", path, nil, body)
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failures[status] = (failures[status] or 0) + 1
  elseif is_save then
    local found = string.match(body, '"revision":%s*(%d+)')
    if found then revision = tonumber(found) end
  end
end

function done(summary, latency, requests)
  local merged = {{}}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("failures")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {{}}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {{"requests": %d, "duration_us": %d, "failures": {{%s}}, '
      .. '"socket_errors": %d, "p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def lua_string(text):
    return json.dumps(text)


def lua_list(values):
    return "{" + ", ".join(lua_string(v) if isinstance(v, str) else str(v) for v in values) + "}"


def wrk_script(session, endpoint):
    return WRK_SCRIPT.format(
        codes=lua_list(endpoint.codes),
        revisions=lua_list(endpoint.revisions),
        path=lua_string(endpoint.path),
        is_save="true" if endpoint.is_save else "false",
        method=lua_string(endpoint.method),
        auth="true" if endpoint.auth else "false",
        cookie=lua_string(session.cookie_header),
        csrf=lua_string(session.csrf),
        first=lua_string(SAVE_VALUES[0]),
        second=lua_string(SAVE_VALUES[1]),
    )


def wrk_once(session, endpoint, args, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(session, endpoint))
    try:
        command = [
            "wrk",
            "-t",
            str(args.concurrency),
            "-c",
            str(args.concurrency),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            f"http://{HOST}:{session.port}{endpoint.path.split('{')[0]}",
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    finally:
        os.unlink(script.name)
    found = common.json_line(done.stdout)
    if found is None:
        raise SetupError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return found


def run_wrk(session, endpoint, args, refresh, server):
    if args.warmup > 0:
        wrk_once(session, endpoint, args, args.warmup)
        refresh(endpoint)
    cpu = server.cpu_seconds()
    found = wrk_once(session, endpoint, args, args.duration)
    cpu = server.cpu_seconds(since=cpu)
    load = {"load_1min": common.load_averages()[0]}
    return (
        load
        | cpu_per_request(cpu, found["requests"])
        | summarize(
            found["requests"],
            {
                **{int(k): v for k, v in found["failures"].items()},
                **({0: found["socket_errors"]} if found["socket_errors"] else {}),
            },
            found["duration_us"] / 1e6,
            p50_s=found["p50_us"] / 1e6,
            p99_s=found["p99_us"] / 1e6,
        )
    )


# Server CPU time ---------------------------------------------------------------------------------


class ServerCpu:
    """CPU time used by the gunicorn workers and by the PostgreSQL backends of the benchmark's
    database: unlike requests per second, it hardly moves when other processes load the machine."""

    def __init__(self, process, args):
        self.process = process
        self.args = args
        self.ticks = os.sysconf("SC_CLK_TCK")

    def pids(self):
        import psycopg

        master = self.process.pid
        try:
            workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            workers = []
        with psycopg.connect(common.database_url(self.args.postgres, "postgres")) as conn:
            backends = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.args.database]
            ).fetchall()
        return {"gunicorn": [int(pid) for pid in workers], "postgres": [r[0] for r in backends]}

    def cpu_seconds(self, since=None):
        """{"gunicorn": s, "postgres": s} of user + system time; minus since when given."""
        found = {}
        for group, pids in self.pids().items():
            ticks = {}
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
            found[group] = ticks
        if since is None:
            return found
        return {
            group: sum(t - since[group].get(pid, 0) for pid, t in ticks.items()) / self.ticks
            for group, ticks in found.items()
        }


def cpu_per_request(cpu, requests):
    if not requests:
        return {"cpu_ms": None, "app_cpu_ms": None, "db_cpu_ms": None}
    app, db = 1000 * cpu["gunicorn"] / requests, 1000 * cpu["postgres"] / requests
    return {"cpu_ms": round(app + db, 3), "app_cpu_ms": round(app, 3), "db_cpu_ms": round(db, 3)}


# Report -----------------------------------------------------------------------------------------


def combine(rounds):
    """One figure per endpoint: the medians over rounds, requests and errors added up."""
    if len(rounds) == 1:
        return dict(rounds[0])

    def median_of(key):
        values = [r[key] for r in rounds if r.get(key) is not None]
        return round(statistics.median(values), 2) if values else None

    failures = {}
    for r in rounds:
        for status, count in r["errors_by_status"].items():
            failures[status] = failures.get(status, 0) + count
    return {
        "requests": sum(r["requests"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "errors_by_status": failures,
        "seconds": round(sum(r["seconds"] for r in rounds), 3),
        "rps": round(statistics.median(r["rps"] for r in rounds), 1),
        **{key: median_of(key) for key in ("cpu_ms", "app_cpu_ms", "db_cpu_ms")},
        "p50_ms": median_of("p50_ms"),
        "p99_ms": median_of("p99_ms"),
        "rounds": rounds,
    }


def ratios(results, reference):
    base = results[reference]["rps"]
    base_cpu = results[reference].get("cpu_ms")
    found = {}
    for key, target in TARGETS.items():
        percent = round(100 * results[key]["rps"] / base, 1) if base else 0.0
        cpu = results[key].get("cpu_ms")
        found[key] = {
            "percent": percent,
            "target_percent": target,
            "met": percent >= target,
            # Server CPU per request of the reference over the endpoint's: the throughput
            # ratio the server alone would allow, whatever else runs on the machine.
            "cpu_percent": round(100 * base_cpu / cpu, 1) if base_cpu and cpu else None,
        }
    return found


def print_report(endpoints, results, reference, found, other_reference, other):
    rows = [
        ("endpoint", "requests", "errors", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "app", "db")
    ]
    for endpoint in endpoints:
        r = results[endpoint.key]
        rows.append(
            (
                endpoint.label,
                str(r["requests"]),
                str(r["errors"]),
                f"{r['rps']:.1f}",
                "-" if r["p50_ms"] is None else f"{r['p50_ms']:.2f}",
                "-" if r["p99_ms"] is None else f"{r['p99_ms']:.2f}",
                *("-" if r.get(k) is None else f"{r[k]:.3f}" for k in CPU_KEYS),
            )
        )
    print()
    common.print_table(rows)
    for endpoint in endpoints:
        if failures := results[endpoint.key]["errors_by_status"]:
            detail = ", ".join(f"{count} × {status}" for status, count in failures.items())
            print(f"  {endpoint.label}: {detail} (0: connection error)")
    if any(results[e.key]["errors"] for e in endpoints):
        print(f"  server log: {GUNICORN_LOG.relative_to(common.ROOT)}")
    print()
    labels = {e.key: e.label for e in endpoints}
    for key in TARGETS:
        ratio = found[key]
        verdict = "met" if ratio["met"] else "MISSED"
        print(
            f"{labels[key]} / {labels[reference]}: {ratio['percent']:5.1f} %   "
            f"(target ≥ {ratio['target_percent']:.0f} %: {verdict})"
            + (
                f"; by server CPU per request: {ratio['cpu_percent']:.1f} %"
                if ratio["cpu_percent"]
                else ""
            )
        )
    print(
        f"(against the {labels[other_reference]}: "
        + ", ".join(f"{labels[key]} {other[key]['percent']:.1f} %" for key in TARGETS)
        + ")"
    )


def measure(args):
    load_start = common.load_averages()
    url = common.database_url(args.postgres, args.database)
    env = {**os.environ, **common.django_env(database_url=url, settings="benchmarks.settings")}
    found = prepare_data(args, env)
    public_id = found["public_id"]
    codes = found["scale_codes"][: args.concurrency]
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        raise SetupError("wrk is not installed (apt-get install wrk), or use --client python")

    process = start_gunicorn(args, env)
    try:
        common.wait_until_ready(
            process, port=args.port, path="/bench-hello/", log_path=GUNICORN_LOG
        )
        session = Session(args.port, log_in(args.port))
        rec_path = f"/diagnostics/{public_id}/preconisations/{args.page}/"
        check_endpoints(session, rec_path)
        server = ServerCpu(process, args)

        def refresh(endpoint):
            if endpoint.is_save:
                endpoint.revisions = [current_revision(session, public_id, c) for c in codes]

        endpoints = [
            Endpoint("hello", "hello view", "GET", "/bench-hello/", auth=False),
            Endpoint("hello_session", "hello view, logged in", "GET", "/bench-hello/"),
            Endpoint("rec_page", f"recommendation page {args.page}", "GET", rec_path),
            Endpoint("save", "answer save", "POST", save_path(public_id, "{code}"), codes),
        ]
        rounds = {endpoint.key: [] for endpoint in endpoints}
        print(
            f"Load: {client} client, {args.concurrency} connections, {args.warmup:g} s warm-up "
            f"then {args.duration:g} s per endpoint, {args.rounds} round(s)",
            flush=True,
        )
        for number in range(1, args.rounds + 1):
            for endpoint in endpoints:
                print(f"  [{number}/{args.rounds}] {endpoint.label}…", flush=True)
                refresh(endpoint)
                if client == "wrk":
                    rounds[endpoint.key].append(run_wrk(session, endpoint, args, refresh, server))
                else:
                    rounds[endpoint.key].append(run_python(session, endpoint, args, server))
                common.check_running(process, log_path=GUNICORN_LOG)
    finally:
        common.stop_gunicorn(process)

    results = {key: combine(values) for key, values in rounds.items()}
    reference = "hello" if args.reference == "bare" else "hello_session"
    other_reference = "hello_session" if reference == "hello" else "hello"
    found_ratios = ratios(results, reference)
    other_ratios = ratios(results, other_reference)
    print_report(endpoints, results, reference, found_ratios, other_reference, other_ratios)
    report = {
        "config": {
            "client": client,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "rounds": args.rounds,
            "gunicorn_workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
            "database": "postgresql",
            "page": args.page,
            "save_questions": codes,
            "reference": reference,
        },
        "endpoints": {
            e.key: {"label": e.label, "method": e.method, "path": e.path, **results[e.key]}
            for e in endpoints
        },
        "ratios": {"reference": reference, **found_ratios},
        f"ratios_vs_{other_reference}": other_ratios,
    }
    print(common.describe_load(load_start))
    machine = common.machine_info(load_average_start=load_start)
    path = common.write_results(report, benchmark="questionnaire", machine=machine)
    print(f"\nWritten to {path}")
    too_many = [
        e.label
        for e in endpoints
        if results[e.key]["errors"] > MAX_ERROR_RATE * max(1, results[e.key]["requests"])
    ]
    if too_many:
        print(f"More than 1 % errors: {', '.join(too_many)}", file=sys.stderr)
        return 1
    return 0


def main():
    args = parse_args()
    return common.run_benchmark(lambda: measure(args), args=args)


if __name__ == "__main__":
    sys.exit(main())
