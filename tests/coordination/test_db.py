from types import SimpleNamespace

from coordination import db

# Overriding settings.DATABASES itself would make Django rebuild its connections mid-suite; the function only
# reads the setting, so it gets a stand-in.


def test_reporting_reads_use_the_primary_without_a_replica(monkeypatch):
    monkeypatch.setattr(db, "settings", SimpleNamespace(DATABASES={"default": {}}))

    assert db.reporting_alias() == "default"


def test_reporting_reads_use_the_replica_when_configured(monkeypatch):
    monkeypatch.setattr(db, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}}))

    assert db.reporting_alias() == "replica"
