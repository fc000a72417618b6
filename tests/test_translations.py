"""The French catalogue is complete and its compiled form is the one the code loads."""

from __future__ import annotations

import gettext

import polib

from hub.embedded import PROJECT_DIR

CATALOGUE = PROJECT_DIR / "locale" / "fr" / "LC_MESSAGES"


def test_every_message_has_a_reviewed_french_translation() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 150
    po = [entry for entry in po if not entry.obsolete]
    untranslated = [entry.msgid for entry in po if not (entry.msgstr or any(entry.msgstr_plural.values()))]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in po
        if not entry.obsolete and not entry.msgid_plural and compiled.gettext(entry.msgid) != entry.msgstr
    ]
    assert stale == [], "run: python manage.py compilemessages -l fr --ignore .venv"
