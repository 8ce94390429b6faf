"""Spanish ships complete: every string translated, none fuzzy, the catalogue current and compiled."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "bloc" / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def entry_key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def test_every_spanish_string_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated in {PO.name}: {missing}"
    assert not fuzzy, f"fuzzy in {PO.name}: {fuzzy}"


def test_the_catalogue_holds_exactly_the_strings_in_the_code(tmp_path):
    """Extract the strings again from a copy of the code and compare with the shipped catalogue."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed (apt-get install gettext); scripts/test installs it")
    copy = tmp_path / "bloc"
    shutil.copytree(ROOT / "bloc", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "bloc.settings",
        "BLOC_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "es",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    fresh = {entry_key(e) for e in polib.pofile(str(copy / "locale/es/LC_MESSAGES/django.po"))}
    shipped = {entry_key(e) for e in polib.pofile(str(PO)) if not e.obsolete}
    assert not fresh - shipped, (
        f"strings not in the catalogue (run makemessages): {sorted(fresh - shipped)}"
    )
    assert not shipped - fresh, f"strings no longer in the code: {sorted(shipped - fresh)}"


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(PO)).translated_entries():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert compiled.ngettext(msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            assert compiled.gettext(msgid) == entry.msgstr, f"recompile: {entry.msgid!r}"
