#!/usr/bin/env python
"""Benchmark of the monthly digest: how long ``digest_figures`` and ``digest_build`` take, and in how many queries,
on the demo's last month and on a generated month of ``--reps`` reps (default 2,000).

    createdb -h 127.0.0.1 -U postgres coordination_bench   # (or: psql -c 'CREATE DATABASE coordination_bench')
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coordination_bench .venv/bin/python bench/digest.py

It migrates, seeds the demo (idempotent), generates the scale month once (``generate_scale``; idempotent), then
times each step three times and prints the best. Numbers we measured are in bench/README.md.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings.local")


def best_of(runs: int, function):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    best, queries = float("inf"), 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            best = min(best, time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return best, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--month", default="2026-06", help="The generated month (YYYY-MM), apart from the demo's.")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from coordination.selectors.digest import digest_figures, month_parse
    from coordination.services.digest import digest_build, previous_month
    from feedback.models import DailyReport, PosSalesLine, RegionalSalesLine

    settings.DEBUG = True  # seed_demo refuses otherwise; also lets Django count queries
    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    demo_month = previous_month(timezone.localdate())
    scale_month = month_parse(args.month)
    started = time.perf_counter()
    call_command("generate_scale", reps=args.reps, month=args.month, stdout=io.StringIO())
    print(f"generate_scale --reps {args.reps} --month {args.month}: {time.perf_counter() - started:.1f} s")

    for label, month in (("demo", demo_month), (f"{args.reps} reps", scale_month)):
        first = month
        last = (first + datetime.timedelta(days=32)).replace(day=1)
        reports = DailyReport.objects.filter(date__gte=first, date__lt=last).count()
        lines = (
            RegionalSalesLine.objects.filter(report__date__gte=first, report__date__lt=last).count()
            + PosSalesLine.objects.filter(report__date__gte=first, report__date__lt=last).count()
        )
        seconds, queries = best_of(args.runs, lambda m=month: digest_figures(m))
        print(f"{label} {month:%Y-%m}: {reports} reports ({lines} sales+POS lines)")
        print(f"  digest_figures: {seconds * 1000:.0f} ms, {queries} queries")
        seconds, queries = best_of(args.runs, lambda m=month: digest_build(m, rebuild=True))
        print(f"  digest_build (figures + HTML in 2 languages, saved): {seconds * 1000:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
