"""End to end in Microsoft 365 Agents Playground (the local Teams client), headless Chromium.

Screenshots land in artifacts/e2e/ (not committed). The Playground sends en-US, so the bot
answers in English here; Dutch is covered by the HTTP scenario tests.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Locator, Page, expect

from tests.e2e.conftest import screenshot_path

pytestmark = pytest.mark.e2e
TIMEOUT = 15_000


def bot_messages(page: Page) -> Locator:
    # a bot message has a header naming its author; the user's own messages have none
    return page.locator('div:has(> [aria-label="Message header"] [aria-label="Message author"])')


async def say(page: Page, text: str) -> None:
    # the chat's composer (cards have text inputs of their own)
    box = page.locator('[role="textbox"][data-lexical-editor="true"]').last
    await box.click()
    await page.keyboard.type(text)  # the composer is a rich editor: type, don't fill
    await page.keyboard.press("Enter")


async def test_help_start_and_status_in_the_personal_chat(page: Page):
    await page.get_by_role("treeitem", name="Personal Chat").click()
    # installing the app greets with the welcome card
    await expect(page.locator(".ac-adaptiveCard").first).to_contain_text(
        "Welcome to the Wasstraat", timeout=TIMEOUT
    )

    await say(page, "help")
    await expect(bot_messages(page).last).to_contain_text(
        "How to work with the Wasstraat", timeout=TIMEOUT
    )

    await say(page, "start Parkeervergunning")
    # a proactive card may arrive right after the reply: look for the reply, not the last one
    await expect(
        page.locator("p", has_text="The trajectory 'Parkeervergunning' has started")
    ).to_be_visible(timeout=TIMEOUT)
    # delivered proactively from the outbox: what step 1 asks of the project leader
    task = page.locator(".ac-adaptiveCard").filter(has_text="Your role: Project leader")
    await expect(task).to_contain_text("Assemble the project group", timeout=TIMEOUT)

    await say(page, "status")
    status = page.locator(".ac-adaptiveCard").filter(has=page.get_by_role("button", name="Refresh"))
    await expect(status).to_contain_text("Parkeervergunning", timeout=TIMEOUT)
    await expect(status).to_contain_text("Step 1: Assemble the project group")
    await page.screenshot(path=screenshot_path("personal-status"))

    # Action.Execute: the bot answers the invoke with a fresh card that replaces this one
    await say(page, "start Paspoort")
    await expect(page.locator("p", has_text="The trajectory 'Paspoort' has started")).to_be_visible(
        timeout=TIMEOUT
    )
    await expect(status).not_to_contain_text("Paspoort")
    await status.get_by_role("button", name="Refresh").click()
    await expect(status).to_contain_text("Paspoort", timeout=TIMEOUT)
    await expect(status).to_contain_text("Parkeervergunning")
    await page.screenshot(path=screenshot_path("personal-status-refreshed"))

    await say(page, "what can you do")
    await expect(page.locator("p", has_text="I don't understand that")).to_be_visible(
        timeout=TIMEOUT
    )
