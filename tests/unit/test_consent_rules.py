"""A minor's parental consent on paper: the status a curator reads and the parent's contact."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.consent import CONTACT_MAX, ConsentStatus, Parental, clean_contact
from bot.domain.errors import InvalidInput

ASKED, GOT = datetime(2026, 10, 1, 9), datetime(2026, 10, 5, 12)


def test_status_missing_asked_received() -> None:
    assert Parental(None, None, None).status is ConsentStatus.MISSING
    assert Parental(ASKED, None, "мама").status is ConsentStatus.ASKED
    assert Parental(ASKED, GOT, None).status is ConsentStatus.RECEIVED
    assert Parental(None, GOT, None).status is ConsentStatus.RECEIVED  # confirmed without the form


def test_contact_cleaned_and_bounded() -> None:
    assert clean_contact("  Мама \u200b  +7 900\n000-00-00\x00 ") == "Мама +7 900 000-00-00"
    assert clean_contact("<b>папа</b> 📞") == "<b>папа</b> 📞"  # kept as typed; escaped when shown
    assert clean_contact("я" * CONTACT_MAX) == "я" * CONTACT_MAX
    for bad, key in ((None, "empty"), ("  \u200b ", "empty"), ("я" * (CONTACT_MAX + 1), "long")):
        with pytest.raises(InvalidInput) as err:
            clean_contact(bad)
        assert err.value.key == f"consent_doc.err_contact_{key}"
