"""A curator's first programme in the web chat, from the owner's one-time link to the first
pair, with screenshots in tests/artifacts (first-*.png). Toggles read without an emoji font;
the sidebar shows each person's role."""

from __future__ import annotations

from sandbox.client import Person, SandboxClient
from sandbox.emulator import Emulator
from sandbox.run import show_roles
from tests.conftest import Running
from tests.e2e import flows
from tests.e2e.test_browser import ARTIFACTS, CHROMIUM_ARGS, chromium  # noqa: F401  (fixture)
from tests.e2e.test_pairs import seed


async def test_a_curators_first_programme_from_the_owner_link_to_the_first_pair(
    chromium: str,  # noqa: F811
    bot: Running,
    client: SandboxClient,
    emulator: tuple[Emulator, str],
) -> None:
    from playwright.async_api import async_playwright, expect

    assert bot.app is not None and bot.app.db is not None and bot.app.owner_link
    emu, url = emulator
    emu.owner_link = bot.app.owner_link  # as `make run` does for an empty school
    show_roles(emu, bot.app.db)
    ARTIFACTS.mkdir(exist_ok=True)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        messages = page.get_by_test_id("messages")

        async def shot(name: str) -> None:
            await page.screenshot(path=str(ARTIFACTS / f"first-{name}.png"))

        async def tap(label: str) -> None:
            button = page.get_by_test_id("inline-button").filter(has_text=label).last
            await expect(button).to_be_visible()
            await button.click()

        async def say(text: str) -> None:
            await page.get_by_test_id("composer-input").fill(text)
            await page.get_by_test_id("composer-input").press("Enter")

        try:
            await page.goto(url)
            await expect(page.get_by_test_id("owner")).to_be_visible()
            await page.get_by_test_id("new-person-name").fill("Ольга Петровна")
            await page.get_by_test_id("new-person").get_by_role("button").click()
            await expect(page.get_by_test_id("chat-title")).to_contain_text("Ольга Петровна")
            await shot("1-owner-link")
            await page.get_by_test_id("owner-link-go").click()
            await expect(messages).to_contain_text("Как называется ваша школа")
            await expect(page.get_by_test_id("owner")).to_be_hidden()  # one use
            await say("Школа №7")
            await tap("Москва")
            await expect(messages).to_contain_text("Готово: вы куратор «Школа №7»")
            await expect(page.get_by_test_id("people")).to_contain_text("Ольга Петровна — куратор")
            await shot("2-curator")

            state = await client.get("/control/state")
            olga_id = next(u["id"] for u in state["users"] if u["first_name"] == "Ольга Петровна")
            olga = Person(olga_id, "Ольга", client)
            card = await flows.create_programme(olga)
            await expect(messages).to_contain_text("Сейчас: подготовка")
            await shot("3-programme")
            await flows.invite_links(olga, card)
            people = await seed(bot, client, programme_id=1)
            await olga.press(card, "Пары")
            menu = await olga.expect("Пары «Наставничество 2026/27»")
            await olga.press(menu, "Подобрать пары")
            draft = await olga.expect("Черновик пар")
            await expect(messages).to_contain_text("совместимость")
            await expect(page.get_by_test_id("people")).to_contain_text("— наставник")
            await shot("4-draft")
            await olga.press(draft, "Опубликовать")
            await olga.expect("Опубликовано предложений")
            intro = await people["Алиса"].expect("Мы нашли", "Артём Тест")
            mentor_intro = await people["Артём"].expect("Мы нашли", "Алиса Тест")
            await people["Алиса"].press(intro, "Принять")
            await people["Артём"].press(mentor_intro, "Принять")
            await olga.expect("Пара начала работу: Алиса Тест и Артём Тест")
            await expect(messages).to_contain_text("Пара начала работу")
            await shot("5-first-pair")

            # Артём's side: the announcement with «Назначить встречу»; a toggle reads as text
            await page.get_by_test_id("person").filter(has_text="Артём").first.click()
            await expect(messages).to_contain_text("Наставническая пара сложилась")
            await expect(
                page.get_by_test_id("inline-button").filter(has_text="Назначить встречу")
            ).to_be_visible()
            await tap("Назначить встречу")
            await expect(messages).to_contain_text("день или напиш")
            await shot("6-pair-announcement")
        finally:
            await browser.close()
