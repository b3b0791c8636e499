"""Signals feedback sends for the layers above it (which may not be imported from here: apps depend one way)."""

from django.dispatch import Signal

# Sent (inside the transaction) when a report is submitted or amended, with ``report``: the joint layer refreshes
# that rep's KPI rollups for the day after the transaction commits.
report_filed = Signal()
