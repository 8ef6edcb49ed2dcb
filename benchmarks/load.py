"""Load and fault test: agents of several collectivités fill diagnostics at once, as browsers do.

Builds a fresh PostgreSQL database (migrate, loadcatalogue, then --collectivites collectivités
with --agents agent accounts and one diagnostic each), serves the application with gunicorn on
127.0.0.1 and logs every agent in over HTTP. For --duration seconds each agent opens
recommendation pages and changes answers the way static/js/autosave.js sends them: one POST per
change; on a 409 conflict it keeps its answer (« Garder ma réponse »: re-send with the returned
revision); on a connection error or a 5xx it retries after 2, 4, 8, 16 then 30 s. After the
run, pending saves get --drain seconds to go through, then the database is read back: the last
acknowledged value of every answer must be there.

With --restart-postgres, PostgreSQL is stopped once during the run and started again after
--outage seconds: the application must answer 503 with « réessayez » meanwhile (never a 500),
and saves must succeed again within 10 s of the database accepting connections.

    uv run python benchmarks/load.py [--duration 60] [--restart-postgres]

Exit status: 0 when no acknowledged answer is lost and no 5xx or connection error happened
outside the planned outage (and, with --restart-postgres, the outage targets are met); 1
otherwise; 2 if the setup failed. Figures go to benchmarks/results/load.json (faults.json).
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path

import common
from common import HOST, SetupError

PASSWORD = "charge-aeict-2026"
PG_CLUSTER = ("15", "main")
REQUEST_TIMEOUT = 30.0
MAX_CONFLICT_RESENDS = 5
MAX_RETRY_DELAY = 30.0
P99_TARGET_MS = 500.0
RECOVERY_TARGET_S = 10.0
RETRY_WORD = "réessayez"
PARTNERS = ["Allemagne", "Sénégal", "Québec (Canada)", "Maroc", "Pologne", "Vietnam", "Chili"]

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION_RE = re.compile(r'name="([^"]+)-revision" value="(\d*)"')

SETUP_SNIPPET = """
import json, os
from django.contrib.auth.hashers import make_password
from django.db import transaction
from diagnostics.catalogue import catalogue_data
from accounts.siren import siren_with_key
from accounts.models import Collectivite, Membership, User
from diagnostics.models import Diagnostic
from recommendations.models import CatalogueVersion

config = json.loads(os.environ["LOAD_SETUP"])
catalogue = CatalogueVersion.objects.latest_published()
password = make_password(config["password"])
found = {"diagnostics": [], "questions": []}
with transaction.atomic():
    for c in range(config["collectivites"]):
        collectivite = Collectivite.objects.create(
            name=f"Commune de charge n° {c + 1}",
            kind="commune",
            siren=siren_with_key(f"{45000000 + c:08d}"),
        )
        emails = []
        for a in range(config["agents"]):
            user = User.objects.create(
                email=f"agent{a + 1}@charge-{c + 1}.localhost",
                full_name=f"Agent {a + 1} de la commune {c + 1}",
                password=password,
            )
            Membership.objects.create(user=user, collectivite=collectivite, role="agent")
            emails.append(user.email)
        diagnostic = Diagnostic.objects.create(
            collectivite=collectivite, catalogue=catalogue, title="Diagnostic de charge"
        )
        found["diagnostics"].append({"public_id": str(diagnostic.public_id), "agents": emails})
data = catalogue_data(catalogue.pk)
for q in data.questions:
    found["questions"].append({
        "code": q.code,
        "recommendation": q.recommendation.number,
        "kind": q.kind,
        "options": [o.pk for o in data.options_by_question.get(q.pk, [])],
    })
print("LOAD_JSON " + json.dumps(found))
"""

ANSWERS_SQL = """
SELECT d.public_id::text, q.code, a.value, a.not_applicable, a.comment, a.revision
FROM diagnostics_answer a
JOIN diagnostics_diagnostic d ON d.id = a.diagnostic_id
JOIN recommendations_question q ON q.id = a.question_id
"""
CHANGES_SQL = """
SELECT d.public_id::text, q.code, c.revision, c.new_state
FROM diagnostics_answerchange c
JOIN diagnostics_answer a ON a.id = c.answer_id
JOIN diagnostics_diagnostic d ON d.id = a.diagnostic_id
JOIN recommendations_question q ON q.id = a.question_id
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--collectivites", type=int, default=10)
    parser.add_argument("--agents", type=int, default=5, help="agents per collectivité")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds between two changes of an agent"
    )
    parser.add_argument(
        "--foreign",
        type=float,
        default=0.25,
        help="share of pages an agent opens outside its own recommendations (conflicts)",
    )
    parser.add_argument("--drain", type=float, default=45.0, help="seconds left to pending saves")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn gthread workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8766)
    common.add_database_options(parser, database="aeict_load")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--restart-postgres",
        action="store_true",
        help="stop PostgreSQL once during the load, then start it again",
    )
    parser.add_argument(
        "--outage-at", type=float, help="seconds into the load (default: a third of it)"
    )
    parser.add_argument("--outage", type=float, default=5.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.collectivites < 1 or args.agents < 1 or args.think < 0:
        parser.error("--duration > 0, --collectivites ≥ 1, --agents ≥ 1, --think ≥ 0")
    if args.outage_at is None:
        args.outage_at = args.duration / 3
    if args.restart_postgres and not 0 <= args.outage_at < args.duration:
        parser.error("--outage-at must fall within --duration")
    return args


# Setup ------------------------------------------------------------------------------------------


def prepare_data(args, env):
    common.prepare_database(args=args, env=env)
    config = {"collectivites": args.collectivites, "agents": args.agents, "password": PASSWORD}
    setup_env = {**env, "LOAD_SETUP": json.dumps(config)}
    output = common.manage("shell", "-c", SETUP_SNIPPET, env=setup_env)
    found = common.json_line(output, prefix="LOAD_JSON ")
    if found is None:
        raise SetupError(f"the setup printed nothing usable:\n{output}")
    return found


def start_gunicorn(args, env, log_path):
    return common.start_gunicorn(
        *("-k", "gthread", "-w", str(args.workers), "--threads", str(args.threads)),
        *("--graceful-timeout", "10"),
        port=args.port,
        env=env,
        log_path=log_path,
        description=f"{args.workers} gthread workers × {args.threads} threads",
    )


def process_tree_cpu(root_pid):
    """CPU seconds used so far by a process and its children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root_pid in (pid, ppid):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# The browser --------------------------------------------------------------------------------


@dataclass
class Response:
    status: int  # 0: no answer (connection refused, reset, timed out)
    headers: dict
    body: bytes

    def json(self):
        if "application/json" not in self.headers.get("content-type", ""):
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


@dataclass
class Sample:
    kind: str  # "save", "page" or "login"
    status: int
    began: float
    finished: float
    retry_message: bool = False  # a 503 that says « réessayez » and sets Retry-After


class Browser:
    """One agent's browser: its cookies and one keep-alive connection to gunicorn."""

    def __init__(self, port, samples):
        self.port = port
        self.samples = samples
        self.cookies = {}
        self.conn = None

    def request(self, kind, method, path, fields=None, headers=None):
        body = None if fields is None else urllib.parse.urlencode(fields, doseq=True)
        sent_headers = {"User-Agent": "aeict-load", **(headers or {})}
        if body is not None:
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        began = time.monotonic()
        response = self._send(method, path, body, sent_headers)
        finished = time.monotonic()
        retry_message = False
        if response.status == 503:
            data = response.json()
            text = data.get("message", "") if isinstance(data, dict) else response.text
            retry_message = RETRY_WORD in text and "retry-after" in response.headers
        self.samples.append(Sample(kind, response.status, began, finished, retry_message))
        return response

    def _send(self, method, path, body, headers):
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request(method, path, body, headers)
                raw = self.conn.getresponse()
                data = raw.read()
            except (OSError, http.client.HTTPException) as error:
                self.close()
                # A kept-alive connection the server closed meanwhile: browsers send again.
                stale = isinstance(error, (ConnectionResetError, BrokenPipeError))
                if reused and stale and attempt == 1:
                    continue
                return Response(0, {}, b"")
            found = {name.lower(): value for name, value in raw.getheaders()}
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            if raw.will_close:
                self.close()
            return Response(raw.status, found, data)
        return Response(0, {}, b"")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def log_in(browser, email):
    page = browser.request("login", "GET", "/connexion/")
    token = CSRF_RE.search(page.text)
    if page.status != 200 or token is None:
        raise SetupError(f"GET /connexion/ for {email}: {page.status}")
    fields = {"csrfmiddlewaretoken": token.group(1), "username": email, "password": PASSWORD}
    done = browser.request("login", "POST", "/connexion/", fields)
    if done.status != 302 or "sessionid" not in browser.cookies:
        raise SetupError(f"log in as {email} failed ({done.status}): {done.text[:300]}")


# The agents ---------------------------------------------------------------------------------


def pick_answer(question, rng):
    """Form values for the question, and the value the server must store for them."""
    kind, options = question["kind"], question["options"]
    if kind == "scale":
        level = rng.randrange(len(options))
        return [str(level)], level
    if kind == "boolean":
        yes = rng.random() < 0.5
        return ["oui" if yes else "non"], yes
    if kind == "choice":
        pk = rng.choice(options)
        return [str(pk)], pk
    if kind == "multi":
        chosen = sorted(rng.sample(options, rng.randint(0, len(options))))
        return [str(pk) for pk in chosen], chosen or None
    if kind == "number":
        number = Decimal(rng.randint(0, 50_000)) / 10
        return [format(number, "f").replace(".", ",")], format(number.normalize(), "f")
    text = ", ".join(rng.sample(PARTNERS, rng.randint(1, 3)))
    return [text], text


@dataclass
class Ack:
    revision: int
    changed: bool
    state: dict


@dataclass
class Run:
    questions: dict  # code -> question
    by_recommendation: dict  # number -> [code]
    deadline: float
    hard_deadline: float
    think: float
    foreign: float
    samples: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    acks: dict = field(default_factory=lambda: defaultdict(list))
    crashes: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, name):
        with self.lock:
            self.counts[name] += 1


class Agent(threading.Thread):
    def __init__(self, run, browser, public_id, home, rng):
        super().__init__(daemon=True)
        self.run_ = run
        self.browser = browser
        self.public_id = public_id
        self.home = home
        self.rng = rng
        self.csrf = None
        self.revisions = {}

    def run(self):
        try:
            self.work()
        except Exception:
            self.run_.crashes.append(traceback.format_exc())
        finally:
            self.browser.close()

    def work(self):
        numbers = sorted(self.run_.by_recommendation)
        while time.monotonic() < self.run_.deadline:
            if self.rng.random() < self.run_.foreign:
                number = self.rng.choice(numbers)
            else:
                number = self.rng.choice(self.home)
            if not self.open_page(number):
                continue
            codes = self.run_.by_recommendation[number]
            for _ in range(self.rng.randint(2, 5)):
                time.sleep(self.run_.think * self.rng.uniform(0.5, 1.5))
                if time.monotonic() >= self.run_.deadline:
                    break
                self.save(self.rng.choice(codes))

    def open_page(self, number):
        path = f"/diagnostics/{self.public_id}/preconisations/{number}/"
        delay = 0.0
        while time.monotonic() < self.run_.deadline:
            page = self.browser.request("page", "GET", path)
            if page.status == 200:
                token = CSRF_RE.search(page.text)
                if token:
                    self.csrf = token.group(1)
                for code, revision in REVISION_RE.findall(page.text):
                    self.revisions[code] = int(revision or 0)
                return True
            delay = min(MAX_RETRY_DELAY, (delay or 1.0) * 2)
            time.sleep(delay)
        return False

    def save(self, code):
        run = self.run_
        values, expected = pick_answer(run.questions[code], self.rng)
        comment = (
            f"Vu avec le service n° {self.rng.randint(1, 9)}" if self.rng.random() < 0.3 else ""
        )
        state = {"value": expected, "not_applicable": False, "comment": comment}
        revision = self.revisions.get(code, 0)
        path = f"/diagnostics/{self.public_id}/questions/{code}/reponse/"
        headers = {"X-Requested-With": "fetch", "Accept": "application/json"}
        run.count("changes")
        delay, conflicts = 0.0, 0
        while True:
            fields = [
                ("csrfmiddlewaretoken", self.csrf),
                *((f"{code}-value", value) for value in values),
                (f"{code}-comment", comment),
                (f"{code}-revision", str(revision)),
            ]
            response = self.browser.request("save", "POST", path, fields, headers)
            data = response.json()
            if response.status == 200 and data and "revision" in data:
                self.revisions[code] = data["revision"]
                ack = Ack(data["revision"], bool(data.get("changed")), state)
                run.acks[(self.public_id, code)].append(ack)
                run.count("acknowledged")
                return
            if response.status == 409 and data and data.get("status") == "conflict":
                run.count("conflicts")
                conflicts += 1
                if conflicts > MAX_CONFLICT_RESENDS:
                    run.count("conflicts_given_up")
                    return
                revision = data["revision"]  # « Garder ma réponse »
                run.count("resent_after_conflict")
                continue
            # No answer, a server error, or a redirect to the login page: autosave.js retries.
            if response.status == 0 or response.status >= 500 or 300 <= response.status < 400:
                delay = min(MAX_RETRY_DELAY, (delay or 1.0) * 2)
                if time.monotonic() + delay > run.hard_deadline:
                    run.count("never_sent")
                    return
                run.count("retries")
                time.sleep(delay)
                continue
            run.count(f"refused_{response.status}")
            return


# PostgreSQL outage --------------------------------------------------------------------------


def pg_ctl(action):
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, action],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def accepts_connections(url):
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=1):
            return True
    except psycopg.Error:
        return False


class Outage(threading.Thread):
    """Stops PostgreSQL at ``at``, starts it again ``length`` seconds later."""

    def __init__(self, url, at, length):
        super().__init__(daemon=True)
        self.url = url
        self.at = at
        self.length = length
        self.times = {}
        self.error = None
        self.stopped = False

    def run(self):
        try:
            time.sleep(max(0.0, self.at - time.monotonic()))
            self.times["stop_requested"] = time.monotonic()
            done = pg_ctl("stop")
            self.stopped = True
            self.times["stopped"] = time.monotonic()
            if done.returncode != 0:
                raise RuntimeError(f"pg_ctlcluster stop: {done.stdout}{done.stderr}")
            time.sleep(self.length)
            self.times["start_requested"] = time.monotonic()
            starting = subprocess.Popen(
                ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, "start"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            while not accepts_connections(self.url):
                time.sleep(0.05)
            self.times["accepting"] = time.monotonic()
            self.stopped = False
            starting.wait(timeout=60)
        except Exception as error:
            self.error = error


def ensure_postgres_running(url):
    if accepts_connections(url):
        return
    print("Starting PostgreSQL again…", file=sys.stderr, flush=True)
    pg_ctl("start")


# Report -------------------------------------------------------------------------------------


def latency(samples):
    values = sorted(s.finished - s.began for s in samples)
    p50, p99 = common.percentile(values, 0.50), common.percentile(values, 0.99)
    return {
        "requests": len(values),
        "p50_ms": None if p50 is None else round(p50 * 1000, 1),
        "p99_ms": None if p99 is None else round(p99 * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1) if values else None,
    }


def check_database(args, acks):
    """Compare every acknowledged save with the answers and their history in the database."""
    import psycopg

    with psycopg.connect(common.database_url(args.postgres, args.database)) as conn:
        rows = {(r[0], r[1]): r[2:] for r in conn.execute(ANSWERS_SQL)}
        history = {(r[0], r[1], r[2]): r[3] for r in conn.execute(CHANGES_SQL)}
    lost, ahead, problems = 0, 0, []
    checked_changes = 0
    for key, found in acks.items():
        changed = {}
        for ack in found:
            if ack.changed:
                changed[ack.revision] = ack.state
        problem = None
        for revision, state in changed.items():
            checked_changes += 1
            recorded = history.get((*key, revision))
            if recorded is None or recorded != state:
                problem = f"revision {revision}: acknowledged {state}, history has {recorded}"
        if changed:
            last = max(changed)
            row = rows.get(key)
            if row is None:
                problem = f"acknowledged up to revision {last}, no answer in the database"
            else:
                value, not_applicable, comment, revision = row
                stored = {"value": value, "not_applicable": not_applicable, "comment": comment}
                if revision < last:
                    problem = f"acknowledged revision {last}, the database has {revision}"
                elif revision == last and stored != changed[last]:
                    problem = f"revision {last}: acknowledged {changed[last]}, stored {stored}"
                elif revision > last:
                    ahead += 1
        if problem:
            lost += 1
            problems.append(f"{key[0]} {key[1]}: {problem}")
    return {
        "answers_in_database": len(rows),
        "answers_acknowledged": len(acks),
        "acknowledged_changes_checked": checked_changes,
        "lost": lost,
        "database_ahead": ahead,
        "problems": problems[:20],
    }


def summarize(args, run, started, outage, database, log_path, setup):
    window = [s for s in run.samples if s.kind != "login" and s.began >= started]
    measured = [s for s in window if s.finished <= started + args.duration]
    statuses = Counter(s.status for s in window)
    planned = None
    if outage is not None and "stop_requested" in outage.times:
        end = outage.times.get("accepting", time.monotonic()) + RECOVERY_TARGET_S
        planned = (outage.times["stop_requested"], end)

    def in_outage(sample):
        return planned is not None and sample.finished >= planned[0] and sample.began <= planned[1]

    server_errors = [s for s in window if s.status == 0 or s.status >= 500]
    unplanned = [s for s in server_errors if not in_outage(s) or s.status not in (0, 503)]
    outside = [s for s in window if not in_outage(s)]
    log_text = log_path.read_text(errors="replace") if log_path.exists() else ""
    report = {
        "config": {
            "duration_s": args.duration,
            "collectivites": args.collectivites,
            "agents_per_collectivite": args.agents,
            "agents": args.collectivites * args.agents,
            "think_s": args.think,
            "foreign_share": args.foreign,
            "gunicorn": f"{args.workers} gthread workers × {args.threads} threads",
            "database": f"postgresql ({args.database})",
            "questions": len(setup["questions"]),
            "restart_postgres": args.restart_postgres,
        },
        "requests": len(window),
        "requests_in_window": len(measured),
        "throughput_rps": round(len(measured) / args.duration, 1),
        "by_status": {str(k): v for k, v in sorted(statuses.items())},
        "latency": latency(window),
        "latency_saves": latency([s for s in window if s.kind == "save"]),
        "latency_pages": latency([s for s in window if s.kind == "page"]),
        "saves": dict(sorted(run.counts.items())),
        "server_errors_outside_outage": len(unplanned),
        "http_500": statuses.get(500, 0),
        "log_internal_server_errors": log_text.count("Internal Server Error"),
        "log_tracebacks": log_text.count("Traceback (most recent call last)"),
        "agent_crashes": len(run.crashes),
        "database": database,
    }
    if outage is not None:
        times = outage.times
        back = times.get("accepting", math.inf)

        def between(first, last):
            if first not in times or last not in times:
                return None
            return round(times[last] - times[first], 2)

        def first_success(kinds):
            found = [
                s.finished
                for s in window
                if s.kind in kinds and s.status == 200 and s.began >= back
            ]
            return round(min(found) - back, 2) if found else None

        during = [s for s in window if in_outage(s)]
        unavailable = [s for s in during if s.status == 503]
        report["outage"] = {
            "started_at_s": round(times["stop_requested"] - started, 1)
            if "stop_requested" in times
            else None,
            "stop_s": between("stop_requested", "stopped"),
            "down_s": between("stop_requested", "accepting"),
            "start_s": between("start_requested", "accepting"),
            "responses_503": len(unavailable),
            "responses_503_with_retry_message": sum(s.retry_message for s in unavailable),
            "responses_503_sent_after_the_database_was_back": sum(
                s.status == 503 and s.began >= back for s in window
            ),
            "responses_500": sum(s.status == 500 for s in during),
            "connection_errors": sum(s.status == 0 for s in during),
            "recovery_s": first_success({"save"}),
            "first_success_of_any_request_s": first_success({"save", "page"}),
            "error": None if outage.error is None else str(outage.error),
        }
        report["latency_outside_outage"] = latency(outside)
    return report


def verdict(args, report):
    failures = []
    db = report["database"]
    if db["lost"]:
        failures.append(f"{db['lost']} acknowledged answer(s) lost")
    if report["server_errors_outside_outage"]:
        count = report["server_errors_outside_outage"]
        failures.append(f"{count} 5xx or connection error(s) outside the outage")
    if report["http_500"]:
        failures.append(f"{report['http_500']} HTTP 500")
    if report["agent_crashes"]:
        failures.append(f"{report['agent_crashes']} agent crash(es)")
    if report["saves"].get("never_sent"):
        failures.append(f"{report['saves']['never_sent']} save(s) still pending at the end")
    misses = []
    p99 = (report.get("latency_outside_outage") or report["latency"])["p99_ms"]
    if p99 is None or p99 >= P99_TARGET_MS:
        misses.append(f"p99 {p99} ms ≥ {P99_TARGET_MS:.0f} ms")
    outage = report.get("outage")
    if outage is not None:
        if outage["error"]:
            failures.append(f"outage: {outage['error']}")
        if not outage["responses_503"]:
            failures.append("no 503 during the outage")
        elif outage["responses_503_with_retry_message"] != outage["responses_503"]:
            failures.append("503 without « réessayez » and Retry-After")
        if outage["responses_503_sent_after_the_database_was_back"]:
            failures.append("503 after PostgreSQL was back (stale connections?)")
        if outage["recovery_s"] is None or outage["recovery_s"] > RECOVERY_TARGET_S:
            failures.append(f"recovery {outage['recovery_s']} s > {RECOVERY_TARGET_S:.0f} s")
    return failures, misses


def print_report(report, failures, misses):
    def ms(value):
        return "-" if value is None else f"{value:.1f} ms"

    config = report["config"]
    print()
    print(
        f"{config['agents']} agents ({config['collectivites']} collectivités × "
        f"{config['agents_per_collectivite']}), {config['duration_s']:g} s, "
        f"think {config['think_s']:g} s, gunicorn {config['gunicorn']}"
    )
    print(
        f"requests: {report['requests']}  ({report['throughput_rps']} req/s in the "
        f"{config['duration_s']:g} s window)"
    )
    statuses = ", ".join(f"{status}: {count}" for status, count in report["by_status"].items())
    print(f"by status: {statuses}   (0: no answer; 409: conflicts, expected)")
    for label, key in (("all", "latency"), ("saves", "latency_saves"), ("pages", "latency_pages")):
        figures = report[key]
        print(
            f"latency {label:<5}: p50 {ms(figures['p50_ms'])}, p99 {ms(figures['p99_ms'])}, "
            f"max {ms(figures['max_ms'])}  ({figures['requests']} requests)"
        )
    if "latency_outside_outage" in report:
        figures = report["latency_outside_outage"]
        print(
            f"latency outside the outage: p50 {ms(figures['p50_ms'])}, p99 {ms(figures['p99_ms'])}"
        )
    saves = report["saves"]
    print(
        "saves: " + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in saves.items())
    )
    db = report["database"]
    print(
        f"database: {db['answers_in_database']} answers, {db['acknowledged_changes_checked']} "
        f"acknowledged changes checked, lost {db['lost']}, ahead of the last acknowledgement "
        f"{db['database_ahead']}"
    )
    for problem in db["problems"]:
        print(f"  LOST {problem}")
    context = report["context"]
    print(
        f"machine: load average {context['load_average_1min_before']} before, "
        f"{context['load_average_1min_after']} after; CPU used by gunicorn "
        f"{context['gunicorn_cpu_s']} s ({context['gunicorn_cpu_ms_per_request']} ms a request), "
        f"by this client {context['client_cpu_s']} s"
    )
    print(
        f"server log: {report['log_internal_server_errors']} « Internal Server Error », "
        f"{report['log_tracebacks']} traceback(s); agent crashes {report['agent_crashes']}"
    )
    if outage := report.get("outage"):
        print(
            f"outage: PostgreSQL stopped at {outage['started_at_s']} s for {outage['down_s']} s "
            f"(stop {outage['stop_s']} s, start {outage['start_s']} s); "
            f"503: {outage['responses_503']} ({outage['responses_503_with_retry_message']} with "
            f"« réessayez » and Retry-After), 500: {outage['responses_500']}, "
            f"no answer: {outage['connection_errors']}"
        )
        print(
            f"recovery: first save acknowledged {outage['recovery_s']} s after PostgreSQL "
            f"accepted connections again (first request of any kind: "
            f"{outage['first_success_of_any_request_s']} s); 503 to requests sent after that: "
            f"{outage['responses_503_sent_after_the_database_was_back']}"
        )
    print()
    if failures:
        print("VERDICT: FAIL — " + "; ".join(failures + misses))
        return
    p99 = (report.get("latency_outside_outage") or report["latency"])["p99_ms"]
    parts = [
        "0 acknowledged answers lost",
        "0 5xx outside the outage" if outage else "0 5xx",
        f"p99 {p99} ms" + (" ≥ " if misses else " < ") + f"{P99_TARGET_MS:.0f} ms",
    ]
    if outage:
        parts.append(f"recovery {outage['recovery_s']} s ≤ {RECOVERY_TARGET_S:.0f} s")
    print("VERDICT: PASS — " + ", ".join(parts) + (" (latency target missed)" if misses else ""))


# Main ---------------------------------------------------------------------------------------


def measure(args):
    name = "faults" if args.restart_postgres else "load"
    log_path = common.RESULTS_DIR / f"{name}-gunicorn.log"
    url = common.database_url(args.postgres, args.database)
    env = {**os.environ, **common.django_env(database_url=url, **common.PLAIN_HTTP)}
    setup = prepare_data(args, env)
    questions = {q["code"]: q for q in setup["questions"]}
    by_recommendation = defaultdict(list)
    for question in setup["questions"]:
        by_recommendation[question["recommendation"]].append(question["code"])
    process = start_gunicorn(args, env, log_path)
    outage = None
    try:
        common.wait_until_ready(process, port=args.port, path="/connexion/", log_path=log_path)
        samples = []
        browsers = []
        print(f"Logging {args.collectivites * args.agents} agents in…", flush=True)
        agents_spec = [
            (diagnostic["public_id"], index, email)
            for diagnostic in setup["diagnostics"]
            for index, email in enumerate(diagnostic["agents"])
        ]
        errors = []

        def login_all(chunk):
            for public_id, index, email in chunk:
                browser = Browser(args.port, samples)
                try:
                    log_in(browser, email)
                except SetupError as error:
                    errors.append(error)
                browsers.append((public_id, index, browser))

        chunks = [agents_spec[i :: args.workers * 2] for i in range(args.workers * 2)]
        threads = [threading.Thread(target=login_all, args=(chunk,)) for chunk in chunks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise SetupError(str(errors[0]))

        load_before = os.getloadavg()[0]
        cpu_before = time.process_time()
        server_cpu_before = process_tree_cpu(process.pid)
        started = time.monotonic()
        run = Run(
            questions=questions,
            by_recommendation=dict(by_recommendation),
            deadline=started + args.duration,
            hard_deadline=started + args.duration + args.drain,
            think=args.think,
            foreign=args.foreign,
            samples=samples,
        )
        numbers = sorted(by_recommendation)
        rng = random.Random(args.seed)
        agents = []
        for public_id, index, browser in sorted(browsers, key=lambda b: (b[0], b[1])):
            home = [n for n in numbers if (n - 1) % args.agents == index] or numbers
            agents.append(Agent(run, browser, public_id, home, random.Random(rng.random())))
        if args.restart_postgres:
            outage = Outage(url, started + args.outage_at, args.outage)
            outage.start()
        print(
            f"Load: {len(agents)} agents for {args.duration:g} s"
            + (
                f", PostgreSQL stopped at {args.outage_at:g} s for {args.outage:g} s"
                if outage
                else ""
            )
            + "…",
            flush=True,
        )
        for agent in agents:
            agent.start()
        for agent in agents:
            agent.join(timeout=max(1.0, run.hard_deadline + 2 * REQUEST_TIMEOUT - time.monotonic()))
        if outage is not None:
            outage.join(timeout=120)
        client_cpu = time.process_time() - cpu_before
        server_cpu = process_tree_cpu(process.pid) - server_cpu_before
        load_after = os.getloadavg()[0]
        common.check_running(process, log_path=log_path)
    finally:
        if outage is not None and outage.stopped:
            ensure_postgres_running(common.database_url(args.postgres, "postgres"))
        common.stop_gunicorn(process, timeout=20)
    if run.crashes:
        print(run.crashes[0], file=sys.stderr)
    database = check_database(args, run.acks)
    report = summarize(args, run, started, outage, database, log_path, setup)
    # The machine is shared: what else ran, and what this client took, explain the latencies.
    report["context"] = {
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min_after": round(load_after, 2),
        "client_cpu_s": round(client_cpu, 1),
        "gunicorn_cpu_s": round(server_cpu, 1),
        "gunicorn_cpu_ms_per_request": round(1000 * server_cpu / max(1, report["requests"]), 1),
    }
    failures, misses = verdict(args, report)
    print_report(report, failures, misses)
    report["verdict"] = {"pass": not failures, "failures": failures, "targets_missed": misses}
    path = common.write_results(report, benchmark=name, machine=common.machine_info())
    print(f"Written to {path}")
    return 1 if failures else 0


def main(argv=None):
    args = parse_args(argv)

    def restart_postgres():
        if args.restart_postgres:
            ensure_postgres_running(common.database_url(args.postgres, "postgres"))

    return common.run_benchmark(lambda: measure(args), args=args, cleanup=restart_postgres)


if __name__ == "__main__":
    sys.exit(main())
