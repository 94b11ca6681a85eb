"""The MAX adapter's pure parts: ids that never collide, MAX updates read as the bot's own,
keyboards and HTML kept within MAX's rules. Samples follow MAX's documented shapes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiogram.types import Message

from bot.domain.identity import MAX_BASE, ForeignId, Messenger, from_max, is_group, messenger_of, to_max
from bot.messengers import max_convert as conv
from bot.services.links import StartLinks
from sandbox.max_rules import check_text

BOT = {"id": from_max(229229229), "is_bot": True, "first_name": "Наставник", "username": "nast_bot"}
RU = "lang:ru"
USER = {"user_id": 123456789, "first_name": "Алиса", "last_name": "С", "is_bot": False, "name": "Алиса С"}


def test_ids_of_two_messengers_never_meet_and_come_back() -> None:
    telegram_ids = [1, 100001, 2**52 - 1, -1001234567890, -(2**52)]
    for tid in telegram_ids:
        assert messenger_of(tid) is Messenger.TELEGRAM
    for raw in (1, 123456789, 2**40, -70801090403050, -1):
        ours = from_max(raw)
        assert messenger_of(ours) is Messenger.MAX
        assert to_max(ours) == raw
        assert is_group(ours) == (raw < 0)
        assert abs(ours) >= MAX_BASE and ours not in telegram_ids
    assert messenger_of(-(2**62 + 5)) is Messenger.TELEGRAM  # erasure's pseudonyms are no one's
    with pytest.raises(ForeignId):
        from_max(2**59)
    with pytest.raises(ForeignId):
        from_max(0)
    with pytest.raises(ForeignId):
        to_max(100001)


def test_a_private_message_becomes_a_message_from_the_person() -> None:
    update = {
        "update_type": "message_created",
        "timestamp": 1775053255737,
        "user_locale": "ru",
        "message": {
            "recipient": {"chat_id": 182182182, "chat_type": "dialog", "user_id": 229229229},
            "timestamp": 1775053255737,
            "body": {"mid": "mid.abc", "seq": 1, "text": "/help please"},
            "sender": USER,
        },
    }
    made = conv.to_update(update, {"mid.abc": 41}, BOT)
    assert made is not None
    msg = made["message"]
    assert msg["message_id"] == 41
    assert msg["chat"] == {"id": from_max(123456789), "type": "private", "first_name": "Алиса"}
    assert msg["from"]["id"] == from_max(123456789) and msg["from"]["language_code"] == "ru"
    assert msg["entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]
    assert conv.mids_in(update) == ["mid.abc"]
    assert made["update_id"] == conv.to_update(update, {"mid.abc": 41}, BOT)["update_id"]  # type: ignore[index]


def test_a_start_link_becomes_start_with_its_payload() -> None:
    update = {
        "update_type": "bot_started",
        "timestamp": 1,
        "chat_id": 182182182,
        "user": USER,
        "payload": "abc123",
    }
    made = conv.to_update(update, {}, BOT)
    assert made is not None and made["message"]["text"] == "/start abc123"
    bare = conv.to_update({**update, "payload": None}, {}, BOT)
    assert bare is not None and bare["message"]["text"] == "/start"


def test_a_press_becomes_a_callback_query_in_the_persons_chat() -> None:
    update = {
        "update_type": "message_callback",
        "timestamp": 2,
        "callback": {"timestamp": 2, "callback_id": "f9LHod", "user": USER, "payload": "lang:ru"},
        "message": {
            "recipient": {"chat_id": 182182182, "chat_type": "dialog", "user_id": 123456789},
            "timestamp": 1,
            "body": {
                "mid": "mid.bot1",
                "seq": 2,
                "text": "Выбери язык",
                "attachments": [
                    {
                        "type": "inline_keyboard",
                        "payload": {
                            "buttons": [[{"type": "callback", "text": "Русский", "payload": "lang:ru"}]]
                        },
                    }
                ],
            },
            "sender": {"user_id": 229229229, "first_name": "Наставник", "is_bot": True},
        },
    }
    made = conv.to_update(update, {"mid.bot1": 7}, BOT)
    assert made is not None
    cq = made["callback_query"]
    assert cq["id"] == "max:f9LHod" and cq["data"] == "lang:ru"
    assert cq["message"]["message_id"] == 7 and cq["message"]["from"] == BOT
    assert cq["message"]["chat"]["id"] == from_max(123456789)
    assert cq["message"]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Русский", "callback_data": "lang:ru"}]]
    }


def test_group_events_and_messages_land_in_the_group() -> None:
    added = {"update_type": "user_added", "timestamp": 3, "chat_id": -70801090403050, "user": USER}
    made = conv.to_update(added, {}, BOT)
    assert made is not None
    assert made["message"]["chat"]["id"] == from_max(-70801090403050) < 0
    assert made["message"]["new_chat_members"][0]["id"] == from_max(123456789)
    assert conv.to_update({"update_type": "dialog_muted", "timestamp": 1}, {}, BOT) is None
    own = {
        "update_type": "message_created",
        "message": {"sender": {"user_id": 1, "is_bot": True}, "body": {}},
    }
    assert conv.to_update(own, {}, BOT) is None  # the bot's own messages are not news


def _btn(text: str, data: str | None = None, url: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(text=text, callback_data=data, url=url)


def test_keyboards_keep_maxs_row_limits_and_button_texts() -> None:
    wide = [[_btn(str(i), f"d{i}") for i in range(9)]]
    kb = conv.keyboard(wide)
    assert kb is not None
    rows = kb["payload"]["buttons"]
    assert [len(r) for r in rows] == [7, 2]
    assert rows[0][0] == {"type": "callback", "text": "0", "payload": "d0"}
    links = conv.keyboard([[_btn("a", url="https://x"), *(_btn(str(i), f"d{i}") for i in range(4))]])
    assert links is not None and [len(r) for r in links["payload"]["buttons"]] == [3, 2]
    long = conv.keyboard([[_btn("я" * 300, "d")]])
    assert long is not None and len(long["payload"]["buttons"][0][0]["text"]) == 128
    assert conv.keyboard([]) is None
    with pytest.raises(ValueError, match="30 rows"):
        conv.keyboard([[_btn(str(i), "d")] for i in range(31)])


def test_html_keeps_maxs_tags_and_drops_the_rest() -> None:
    assert conv.html("<b>Да</b> <tg-spoiler>x</tg-spoiler> &lt;b&gt;") == "<b>Да</b> x &lt;b&gt;"
    assert (
        conv.html('<a href="https://max.ru">ok</a> <code>1</code>')
        == '<a href="https://max.ru">ok</a> <code>1</code>'
    )


def test_targets_are_a_person_or_a_group_chat() -> None:
    assert conv.max_target(from_max(5)) == {"user_id": 5}
    assert conv.max_target(from_max(-70801090403050)) == {"chat_id": -70801090403050}


def test_start_links_per_messenger() -> None:
    both = StartLinks(telegram="tg_bot", max="max_bot")
    assert both.urls("t1") == [
        ("Telegram", "https://t.me/tg_bot?start=t1"),
        ("MAX", "https://max.ru/max_bot?start=t1"),
    ]
    assert both.text("t1") == "\nTelegram: https://t.me/tg_bot?start=t1\nMAX: https://max.ru/max_bot?start=t1"
    assert StartLinks(max="m").text("t") == "https://max.ru/m?start=t"


def test_each_messenger_is_paced_by_its_own_limits() -> None:
    from bot.domain.pacing import Pacer

    pacer = Pacer()
    person, tg_person = from_max(5), 100001
    pacer.take(person, 0.0)
    assert pacer.wait(person, 0.0) == pytest.approx(0.5)  # MAX: 2 a second into one chat
    pacer.take(tg_person, 0.0)
    assert pacer.wait(tg_person, 0.0) == pytest.approx(1.0)  # Telegram: 1 a second
    group = from_max(-70801090403050)
    pacer.take(group, 0.0)
    assert pacer.wait(group, 0.0) == pytest.approx(0.5)  # a MAX group chat: same 2 a second
    # the overall buckets are separate: 28 a second each, not shared between the two bots
    for i in range(1, 40):
        t = (i + 2) / 28  # two MAX messages went at 0
        assert pacer.wait(from_max(1000 + i), t) == 0.0
        pacer.take(from_max(1000 + i), t)
    assert pacer.wait(200001, 2.0) == 0.0


def test_maxs_markup_reads_as_entities() -> None:
    body = {
        "mid": "m",
        "text": "Этап 2 из 7 — docs",
        "markup": [
            {"type": "strong", "from": 0, "length": 11},
            {"type": "link", "from": 14, "length": 4, "url": "https://dev.max.ru"},
            {"type": "user_mention", "from": 0, "length": 1},
        ],
    }
    update = {
        "update_type": "message_created",
        "message": {"recipient": {"chat_type": "dialog"}, "body": body, "sender": USER},
    }
    made = conv.to_update(update, {"m": 1}, BOT)
    assert made is not None
    assert made["message"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 11},
        {"type": "text_link", "offset": 14, "length": 4, "url": "https://dev.max.ru"},
    ]


def test_html_sent_to_max_comes_back_as_the_same_html() -> None:
    """The sandbox's MAX face keeps a message sent with ``format: html`` as MAX does (plain
    text plus markup in UTF-16 units); the adapter reads it back as entities, and the html a
    handler re-sends on an edit (aiogram's ``html_text``) is the html it first sent."""
    sent = 'Перейти с этапа 1 😀 <b>«Подготовка»</b> на <i>этап <b>2</b></i> из 7: <a href="https://max.ru/x">x</a>'
    plain, _, markup = check_text(sent, "html", False)
    assert markup[0] == {"type": "strong", "from": 21, "length": 12}  # the emoji counts 2 units
    update = {
        "update_type": "message_created",
        "message": {
            "recipient": {"chat_type": "dialog"},
            "body": {"mid": "m", "text": plain, "markup": markup},
            "sender": USER,
        },
    }
    made = conv.to_update(update, {"m": 1}, BOT)
    assert made is not None
    assert Message.model_validate(made["message"]).html_text == sent
