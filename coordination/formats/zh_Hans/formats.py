"""Simplified Chinese number formats: Django's locale groups nothing (no thousands separator), so 284411.90 would
read as one long run of digits. Business figures in China are written 284,411.90 — group by thousands with a comma.
Everything else (dates, times) stays Django's zh_Hans."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
