"""Every string a person reads is translatable, and the Chinese catalogue translates all of them."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))

    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert len(catalogue.translated_entries()) > 50


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    """makemessages over a copy of the code finds no string that the committed catalogue lacks."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is missing: `make system-deps` installs it")
    for name in (
        "manage.py",
        "accounts",
        "campaigns",
        "feedback",
        "approvals",
        "coordination",
        "templates",
        "locale",
    ):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "coordination.settings.test",
            "PYTHONPATH": str(tmp_path),
        },
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}

    assert extracted - committed == set(), "run `make translations` and translate the new strings"
