"""Fault test: benchmarks/load.py with PostgreSQL stopped once during the load, then started.

    uv run python benchmarks/faults.py [--duration 60] [--outage-at 20] [--outage 5]

Same options and exit status as load.py; the figures go to benchmarks/results/faults.json.
"""

import sys

import load

if __name__ == "__main__":
    sys.exit(load.main(["--restart-postgres", *sys.argv[1:]]))
