"""Which database a read goes to."""

from django.conf import settings


def reporting_alias() -> str:
    """The alias for heavy reporting reads (KPI views, digests): the read replica when DATABASE_REPLICA_URL is set.

    Only reads that tolerate replication lag use it; writes and anything a user must see at once stay on "default".
    """
    return "replica" if "replica" in settings.DATABASES else "default"
