"""End to end with three people, each in their own Playground (the Playground shows only the
signed-in user's personal chat): the project leader starts and assigns roles, the process
owner approves the KPIs on her card, and a staff member answers the 3b check by chat reply."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.conftest import open_chat, screenshot_path

pytestmark = pytest.mark.e2e
TIMEOUT = 45_000


def card(page: Page, text: str) -> Locator:
    return page.locator(".ac-adaptiveCard").filter(has_text=text).last


async def choose(page: Page, form: Locator, label: str, option: str) -> None:
    """Pick an option in a card's choice list (the Playground renders a Fluent combobox)."""
    await form.get_by_role("combobox", name=label).click()
    # single choice: a listbox of options; multiple choice: a menu of checkable items
    await (
        page.get_by_role("option", name=option, exact=True)
        .or_(page.get_by_role("menuitemcheckbox", name=option, exact=True))
        .click()
    )
    await page.keyboard.press("Escape")


async def say_in_channel(page: Page, text: str) -> None:
    """Post in the team's General channel, mentioning the bot (as one must in Teams)."""
    await page.get_by_role("treeitem", name="My Team - General").click()
    box = page.get_by_role("group").filter(has_text="Start a new post").get_by_role("textbox")
    await box.click()
    await page.keyboard.type("@Test")
    await (
        page.get_by_role("listbox", name="Typeahead menu")
        .get_by_role("menuitem", name="Test Bot")
        .click()
    )
    await page.keyboard.type(f" {text}")
    await page.keyboard.press("Enter")


async def say(page: Page, text: str) -> None:
    box = page.locator('[role="textbox"][data-lexical-editor="true"]').last
    await box.click()
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")


async def test_kpi_approval_and_3b_check_across_people(playgrounds, browser: Browser):
    alex = await open_chat(browser, playgrounds["alex"])
    megan = await open_chat(browser, playgrounds["megan"])
    adele = await open_chat(browser, playgrounds["adele"])
    for page in (alex, megan, adele):  # installed for each: the bot can reach them 1:1
        await expect(card(page, "Welcome to the Wasstraat")).to_be_visible(timeout=TIMEOUT)

    # Alex starts a trajectory in the team channel; his step-1 card comes to his own chat,
    # where he assigns the roles from the team's roster
    await say_in_channel(alex, "start Parkeervergunning")
    await expect(
        alex.locator("p", has_text="The trajectory 'Parkeervergunning' has started")
    ).to_be_visible(timeout=TIMEOUT)
    await alex.get_by_role("treeitem", name="Personal Chat").click()
    step1 = card(alex, "Your role: Project leader")
    await step1.get_by_role("button", name="Assign roles").click(timeout=TIMEOUT)
    form = card(alex, "Project group of 'Parkeervergunning'")
    for role, person in (
        ("Process owner", "Megan Bowen"),
        ("Sponsor", "Megan Bowen"),
        ("Process advisor", "Alex Wilber"),
        ("Customer-journey coach", "Alex Wilber"),
        ("Subject-matter staff member", "Adele Vance"),
    ):
        await choose(alex, form, role, person)
    await alex.screenshot(path=screenshot_path("people-0-roles-form"))
    await form.get_by_role("button", name="Save").click()
    step1 = card(alex, "The roles have been saved")
    await expect(step1).to_be_visible(timeout=TIMEOUT)
    await alex.screenshot(path=screenshot_path("people-1-roles"))

    # Megan gets her step-1 card in her own chat and confirms support
    support = card(megan, "Your roles: Sponsor, Process owner")
    await support.get_by_role("button", name="I support this trajectory").click(timeout=TIMEOUT)
    await expect(card(megan, "Saved.")).to_be_visible(timeout=TIMEOUT)

    # Alex finishes step 1 and proposes a KPI on his step-2 card
    await step1.get_by_role("checkbox", name="This step is done").check()
    await step1.get_by_role("button", name="Save").click()
    # step 4 starts with step 2: let both cards arrive before typing (a card arriving while
    # one types makes the Playground draw the chat again, and what was typed is gone)
    await expect(card(alex, "Your roles: Customer-journey coach, Project leader")).to_be_visible(
        timeout=TIMEOUT
    )
    kpis = card(alex, "Record the KPIs")
    name = kpis.get_by_label("Name").first
    await name.fill("Doorlooptijd", timeout=TIMEOUT)
    await kpis.get_by_label("Unit (e.g. days, %)").first.fill("dagen")
    await kpis.get_by_label("Baseline").first.fill("10")
    await kpis.get_by_label("Target").first.fill("3")
    await expect(name).to_have_value("Doorlooptijd")
    await kpis.get_by_role("button", name="Submit to the process owner").click()
    # his card says it went to Megan and waits on her; the submit button is gone
    submitted = card(alex, "The KPIs were submitted to Megan Bowen by you")
    await expect(submitted).to_contain_text("It now waits on Megan Bowen.", timeout=TIMEOUT)
    await expect(submitted.get_by_role("button", name="Submit to the process owner")).to_have_count(
        0
    )

    # Megan's KPI card arrives in her chat; approving updates that card in place
    approval = card(megan, "Do you approve these KPIs?")
    await expect(approval).to_contain_text(
        "Doorlooptijd: now 10 dagen, target 3 dagen", timeout=TIMEOUT
    )
    await megan.screenshot(path=screenshot_path("people-2-kpi-card"))
    await approval.get_by_role("button", name="Approve").click()
    await expect(card(megan, "Approved by Megan Bowen")).to_be_visible(timeout=TIMEOUT)
    await expect(
        megan.locator(".ac-adaptiveCard").filter(has_text="Do you approve these KPIs?")
    ).to_have_count(0)
    await megan.screenshot(path=screenshot_path("people-3-kpi-approved"))

    # Alex (also process advisor) records the process map: 3b starts, Adele's check arrives
    mapping = card(alex, "Map the current process")
    await mapping.get_by_label("Link to the process map (https://…)").fill(
        "https://sharepoint.example/parkeren.vsdx", timeout=TIMEOUT
    )
    await mapping.get_by_role("checkbox", name="This step is done").check()
    await mapping.get_by_role("button", name="Save").click()
    check = card(adele, "Does the process description match how things run today?")
    await expect(check).to_be_visible(timeout=TIMEOUT)

    # Adele answers by simply replying in her chat
    await say(adele, "klopt niet, de balie ontbreekt")
    # (her reply, and her check card, updated in place, both say it)
    await expect(
        adele.locator("p", has_text="Your answer: not correct — de balie ontbreekt").first
    ).to_be_visible(timeout=TIMEOUT)
    await adele.screenshot(path=screenshot_path("people-4-check-answered"))

    # her "klopt niet" holds the check: Alex, as process advisor, decides about it, and Adele
    # hears the decision in her chat
    decision = card(alex, "waits for a decision on what was remarked")
    await expect(decision).to_contain_text("de balie ontbreekt", timeout=TIMEOUT)
    await decision.get_by_text("Keep it for the improvement plan").click()
    await decision.get_by_label("Why? (the writer reads it)").fill("Nemen we mee in stap 6")
    await decision.get_by_role("button", name="Record the decision").click()
    await expect(card(alex, "Kept for the improvement plan by Alex Wilber")).to_be_visible(
        timeout=TIMEOUT
    )
    await expect(adele.locator("p", has_text="keeps it for the improvement plan")).to_be_visible(
        timeout=TIMEOUT
    )
    await adele.screenshot(path=screenshot_path("people-5-remark-decided"))
