from coordination.db import reporting_alias


def test_reporting_reads_use_the_primary_without_a_replica(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}

    assert reporting_alias() == "default"


def test_reporting_reads_use_the_replica_when_configured(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}

    assert reporting_alias() == "replica"
