"""The web chat in a real browser: a person registers as a mentee through an invite link
by typing and pressing buttons in the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sandbox.client import SandboxClient
from sandbox.emulator import Emulator
from tests.conftest import MakeCurator, Running
from tests.e2e import flows

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        pytest.skip(
            "chromium is not installed (make test installs it when run as root): browser test skipped"
        )
    pytest.importorskip("playwright", reason="playwright is not installed: browser test skipped")
    return CHROMIUM


async def test_a_mentee_registers_in_the_web_chat(
    chromium: str,
    bot: Running,
    client: SandboxClient,
    make_curator: MakeCurator,
    emulator: tuple[Emulator, str],
) -> None:
    from playwright.async_api import async_playwright, expect

    curator = await make_curator()
    card = await flows.create_programme(curator)
    links = await flows.invite_links(curator, card)
    link = f"https://t.me/nastavnik_sandbox_bot?start={links['mentee']}"

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            await page.goto(emulator[1])
            await page.get_by_test_id("new-person-name").fill("Алиса")
            await page.get_by_test_id("new-person").get_by_role("button").click()
            await expect(page.get_by_test_id("chat-title")).to_contain_text("Алиса")
            await page.get_by_test_id("open-link-input").fill(link)
            await page.get_by_test_id("open-link-go").click()

            async def tap(label: str) -> None:
                button = page.get_by_test_id("inline-button").filter(has_text=label).last
                await expect(button).to_be_visible()
                await button.click()

            async def say(text: str) -> None:
                await page.get_by_test_id("composer-input").fill(text)
                await page.get_by_test_id("composer-input").press("Enter")

            messages = page.get_by_test_id("messages")
            await expect(messages).to_contain_text("Тебя пригласили как: наставляемый")
            await tap("Русский")
            await expect(messages).to_contain_text("Согласие на обработку персональных данных")
            await tap("Мне есть 18")
            await expect(messages).to_contain_text("Как тебя зовут")
            await say("Алиса <Смирнова>")
            await tap("Ученик")
            await tap("8")
            await tap("Выбор профессии")
            await expect(
                page.get_by_test_id("inline-button").filter(has_text="✅ Выбор профессии")
            ).to_be_visible()
            chosen = page.locator("button.on").filter(has_text="Выбор профессии")  # state as text too
            await expect(chosen).to_contain_text("выбрано")
            await expect(chosen).to_have_attribute("aria-pressed", "true")
            await tap("Готово")
            await expect(messages).to_contain_text("Что тебе интересно")
            await tap("Робототехника")
            await expect(
                page.get_by_test_id("inline-button").filter(has_text="✅ Робототехника")
            ).to_be_visible()
            await tap("Готово")
            await expect(messages).to_contain_text("Когда тебе удобно")
            await tap("Ср вечер")
            await expect(page.get_by_test_id("inline-button").filter(has_text="✅ Ср вечер")).to_be_visible()
            await tap("Готово")
            await tap("Онлайн")
            await expect(messages).to_contain_text("Проверь профиль")
            await expect(messages).to_contain_text("Алиса <Смирнова>")  # shown as text, not as a tag
            await tap("Отправить")
            await expect(messages).to_contain_text("Профиль отправлен куратору")
            await page.get_by_test_id("menu-button").click()
            await expect(page.get_by_test_id("menu")).to_contain_text("/profile")
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "web-chat.png"))
        finally:
            await browser.close()
    await curator.expect("Новая заявка: Алиса <Смирнова> — наставляемый")
