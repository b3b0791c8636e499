#!/usr/bin/env python
"""Benchmark of the joint KPIs and the report list on a generated year of ``--reps`` reps (default 2,000), printing
in one run on one machine:

(a) KPI endpoint time ÷ the same aggregate computed from the raw tables. The endpoint is
    ``GET /api/v1/kpis/?period=<year>`` as HR (every scorecard of the year, ranked; the first page of 50 rendered),
    through Django's whole stack; the raw aggregate is ``kpi_counters_raw`` — the very counters the rollups hold,
    computed by the same grouped SQL over the raw reports, lines, intel, steps … (what the endpoint would have to
    run without rollups). Target: < 0.05.
(b) Report-list API throughput ÷ a bare Django view's: ``GET /api/v1/daily-reports/`` (DRF, filters, serializer,
    pagination) against a plain function view that returns the same page of rows (the same visibility filter,
    order, fields and total count) with ``.values()`` and ``JsonResponse``. Printed as bare time ÷ API time (1.0:
    no overhead). Target: ≥ 0.6.
(c) Queries per page at 10 and at 1,000 rows, for the report list and the KPI list. Target: equal, and small.

    createdb -h 127.0.0.1 -U postgres coordination_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coordination_bench .venv/bin/python bench/kpis.py

It migrates, seeds the demo and, when the scale reps are not there yet, runs
``generate_scale --reps N --days 365`` (the year up to yesterday, with its KPI rollups). Numbers we measured are in
bench/README.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings.local")

urlpatterns: list = []  # filled in main(): the project's URLs plus the bare view (ROOT_URLCONF = this module)


def timed(runs: int, function) -> float:
    """The median of ``runs`` runs, in seconds (after one warm-up run)."""
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def bare_reports(request):
    """The same page as the report-list API, with nothing but the ORM's .values() and a JsonResponse."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.http import JsonResponse

    from feedback.models import DailyReport, ReportAmendment
    from feedback.permissions import reports_visible_q

    visible = DailyReport.objects.filter(reports_visible_q(request.user))
    amendments = ReportAmendment.objects.filter(report=OuterRef("pk")).order_by().values("report")
    size = int(request.GET.get("page_size", 50))
    rows = (
        visible.annotate(amendment_count=Coalesce(Subquery(amendments.annotate(n=Count("pk")).values("n")), 0))
        .order_by("-date", "rep__username", "-id")
        .values(
            "id",
            "rep_id",
            "rep__username",
            "rep__first_name",
            "rep__last_name",
            "region_id",
            "region__code",
            "region__name",
            "date",
            "status",
            "client_uuid",
            "submitted_at",
            "on_time",
            "amendment_count",
            "updated_at",
        )[:size]
    )
    return JsonResponse({"count": visible.count(), "results": list(rows)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import include, path
    from django.utils import timezone

    from accounts.models import User
    from coordination.models import KpiDaily, KpiMonthly
    from coordination.selectors.kpis import period_parse
    from coordination.services.kpi_rollups import kpi_counters_raw
    from feedback.models import DailyReport, IntelItem

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    if User.objects.filter(username__startswith="scale.rep.").count() < args.reps:
        call_command("generate_scale", reps=args.reps, days=args.days)
    settings.DEBUG = False  # time without the debug cursor

    year = (timezone.localdate() - timezone.timedelta(days=1)).year
    period = period_parse(str(year))
    reports = DailyReport.objects.filter(date__gte=period.first, date__lte=period.last).count()
    print(
        f"data: {User.objects.filter(username__startswith='scale.rep.').count()} generated reps; year {year}: "
        f"{reports:,} reports, {IntelItem.objects.filter(date__year=year).count():,} intel items; "
        f"rollups: {KpiDaily.objects.count():,} daily, {KpiMonthly.objects.count():,} monthly rows"
    )

    global urlpatterns
    urlpatterns = [path("bench/bare-reports/", bare_reports), path("", include(settings.ROOT_URLCONF))]
    hr = User.objects.get(username="hr.zhao")
    reader = User.objects.get(username="mkt.wang")  # marketing reads every report
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"]):
        hr_client, reader_client = Client(), Client()
        hr_client.force_login(hr)
        reader_client.force_login(reader)

        def kpi_page(size=50):
            response = hr_client.get(f"/api/v1/kpis/?period={year}&page_size={size}")
            assert response.status_code == 200, response.content[:300]
            return response

        def raw():
            return kpi_counters_raw(period.first, period.last)

        # (a)
        kpi_seconds = timed(args.runs, kpi_page)
        raw_seconds = timed(max(1, args.runs // 2), raw)
        people = kpi_page().json()["count"]
        print(f"\n(a) KPI endpoint, year {year}, {people:,} scorecards: {kpi_seconds * 1000:.1f} ms (median)")
        print(f"    raw aggregate of the same counters over the raw tables: {raw_seconds * 1000:.1f} ms (median)")
        print(f"    ratio KPI / raw = {kpi_seconds / raw_seconds:.4f}   (target < 0.05)")

        # (b)
        def api_reports(size=50):
            response = reader_client.get(f"/api/v1/daily-reports/?page_size={size}")
            assert response.status_code == 200
            return response

        def bare(size=50):
            response = reader_client.get(f"/bench/bare-reports/?page_size={size}")
            assert response.status_code == 200
            return response

        assert api_reports().json()["count"] == bare().json()["count"]
        assert [r["id"] for r in api_reports().json()["results"]] == [r["id"] for r in bare().json()["results"]]
        api_seconds = timed(args.runs * 2, api_reports)
        bare_seconds = timed(args.runs * 2, bare)
        print(f"\n(b) report list, page of 50 of {api_reports().json()['count']:,} reports:")
        print(f"    API {api_seconds * 1000:.1f} ms, bare view {bare_seconds * 1000:.1f} ms (medians)")
        print(f"    ratio bare / API = {bare_seconds / api_seconds:.2f}   (target >= 0.6)")

        # (c)
        print("\n(c) queries per page:")
        for name, function in (("report list API", api_reports), ("KPI list API", kpi_page)):
            small, large = queries(lambda f=function: f(10)), queries(lambda f=function: f(1000))
            print(f"    {name}: {small} at 10 rows, {large} at 1,000 rows   (target: equal, small)")
        dashboard = hr_client.get(f"/kpis/?period={year}")
        assert dashboard.status_code == 200
        print(f"    KPI dashboard page (50 rows): {queries(lambda: hr_client.get(f'/kpis/?period={year}'))} queries")


if __name__ == "__main__":
    main()
