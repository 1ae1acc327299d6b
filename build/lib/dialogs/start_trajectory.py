"""Asks for the product or service when someone types just 'start'."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions, PromptValidatorContext, TextPrompt

from cards.catalogue import Language, text

OnProduct = Callable[[TurnContext, str], Awaitable[None]]
LanguageOf = Callable[[TurnContext], Language]


class StartTrajectoryDialog(ComponentDialog):
    PRODUCT_PROMPT = "product"

    def __init__(self, dialog_id: str, *, on_product: OnProduct, language_of: LanguageOf) -> None:
        super().__init__(dialog_id)
        self._on_product = on_product
        self._language_of = language_of
        self.add_dialog(TextPrompt(self.PRODUCT_PROMPT, self._product_validator))
        self.add_dialog(
            WaterfallDialog(f"{dialog_id}.steps", [self.ask_product_step, self.start_step])
        )
        self.initial_dialog_id = f"{dialog_id}.steps"

    async def ask_product_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        language = self._language_of(step.context)
        return await step.prompt(
            self.PRODUCT_PROMPT,
            PromptOptions(
                prompt=MessageFactory.text(text("start.ask_product", language)),
                retry_prompt=MessageFactory.text(text("start.product_missing", language)),
            ),
        )

    async def start_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        await self._on_product(step.context, str(step.result))
        return await step.end_dialog()

    @staticmethod
    async def _product_validator(prompt: PromptValidatorContext) -> bool:
        value = prompt.recognized.value
        return bool(prompt.recognized.succeeded and isinstance(value, str) and value.strip())
