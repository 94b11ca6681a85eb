from __future__ import annotations

import pytest

from sandbox.telegram_rules import BadRequest, Bucket, check_markup, parse_html


def test_html_parsing_matches_telegrams_subset() -> None:
    plain, safe = parse_html('<b>a</b> <a href="https://x.ru">link</a> &lt;3 &#128512; a&b')
    assert plain == "a link <3 😀 a&b"
    assert '<a href="https://x.ru"' in safe and "&lt;3" in safe
    _, safe = parse_html('<a href="javascript:alert(1)">x</a>')
    assert "javascript" not in safe
    for bad in ("<div>x</div>", "<b>x", "x</b>", "<b><i>x</b></i>", "&nbsp;", "1 < 2"):
        with pytest.raises(BadRequest):
            parse_html(bad)


def test_callback_data_over_64_bytes_is_refused() -> None:
    check_markup({"inline_keyboard": [[{"text": "a", "callback_data": "x" * 64}]]})
    with pytest.raises(BadRequest):
        check_markup({"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]})


def test_token_bucket_allows_a_burst_then_paces() -> None:
    bucket = Bucket(rate=1.0, capacity=3.0, stamp=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == pytest.approx(1.0)
    assert bucket.take(1.0) == 0.0
