"""The activity handler: installation, text commands, dialogs and card actions."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from botbuilder.core import (
    CardFactory,
    InvokeResponse,
    MessageFactory,
    PrivateConversationState,
    TurnContext,
)
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import ChannelAccount

from bot import roles as _roles  # noqa: F401  (registers the role actions)
from bot.actions import dispatch
from bot.commands import COMMANDS, START_DIALOG_ID, parse, unknown_command
from bot.escaping import escape_card
from bot.services import Services
from bot.trajectories import start_trajectory
from bot.turn import Turn, as_dict
from cards.base import CARD_CONTENT_TYPE
from cards.catalogue import Language
from cards.welcome import welcome_card
from dialogs.start_trajectory import StartTrajectoryDialog
from dialogs.state_storage import DatabaseStorage
from wasstraat.text import clean_text

log = logging.getLogger(__name__)

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"


class WasstraatBot(TeamsActivityHandler):
    def __init__(self, services: Services) -> None:
        self._services = services
        # per person within a conversation: in a group chat, one person's "start" question
        # must not be answered by someone else
        self._conversation_state = PrivateConversationState(
            DatabaseStorage(services.store, clock=services.clock)
        )
        self._dialog_state = self._conversation_state.create_property("DialogState")
        self._dialogs = DialogSet(self._dialog_state)
        self._dialogs.add(
            StartTrajectoryDialog(
                START_DIALOG_ID, on_product=self._start_from_dialog, language_of=self._language_of
            )
        )

    def _language_of(self, context: TurnContext) -> Language:
        return self._turn(context).language

    def _turn(self, context: TurnContext) -> Turn:
        return Turn.of(context, self._services)

    async def on_turn(self, turn_context: TurnContext) -> None:
        """A turn, and its inbox key remembered once it is done: in the transaction of what it
        changed, or (a turn that changed nothing) here at its end. A turn that failed is not
        remembered: its redelivery is tried again."""
        turn = self._turn(turn_context)
        await super().on_turn(turn_context)
        if turn.inbox.key and not turn.inbox.recorded:
            await self._services.store.remember_activity(turn.inbox.key, now=turn.now)

    async def _start_from_dialog(self, context: TurnContext, product: str) -> None:
        await start_trajectory(self._turn(context), product)

    # -- installation ----------------------------------------------------------------------

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._remember_conversation(turn_context)
        turn = self._turn(turn_context)
        await turn.reply_card(welcome_card(turn.language, in_channel=turn.in_channel))

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """The app was removed: a 1:1 chat's reference (it names the person) is forgotten."""
        turn = self._turn(turn_context)
        if turn.conversation_type == "personal":
            await self._services.store.references.forget(turn.binding.conversation_id)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member.id == bot_id for member in members_added):
            await self._remember_conversation(turn_context, keep_existing=True)
        await self._team_changed(turn_context, added=members_added)

    async def on_members_removed_activity(
        self, members_removed: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        await self._team_changed(turn_context, removed=members_removed)

    async def _team_changed(
        self,
        context: TurnContext,
        *,
        added: Sequence[ChannelAccount] = (),
        removed: Sequence[ChannelAccount] = (),
    ) -> None:
        """Who joined or left a team, by object id, for the portfolio tab (people see their
        teams' trajectories)."""
        team_id = self._turn(context).binding.team_id
        if not team_id:
            return
        await self._services.store.portfolio.change_team_members(
            team_id,
            added=[m.aad_object_id for m in added if m.aad_object_id],
            removed=[m.aad_object_id for m in removed if m.aad_object_id],
        )

    async def _remember_conversation(
        self, context: TurnContext, *, keep_existing: bool = False
    ) -> None:
        await self._turn(context).remember_conversation(keep_existing=keep_existing)

    # -- messages --------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if isinstance(activity.value, dict) and activity.value:
            await self._submit(turn_context, activity.value)
            return
        # typed text in one Unicode form, without invisible or bidi-control characters
        text = clean_text(TurnContext.remove_recipient_mention(activity) or activity.text or "")
        word, args = parse(" ".join(text.split()))
        dialogs = await self._dialogs.create_context(turn_context)
        turn = self._turn(turn_context)
        turn.dialogs = dialogs
        handler = COMMANDS.get(word) if word else None
        if handler is not None:
            await dialogs.cancel_all_dialogs()
            await handler(turn, args)
        else:
            result = await dialogs.continue_dialog()
            if result.status is DialogTurnStatus.Empty:
                await unknown_command(turn, " ".join(text.split()))
        await self._conversation_state.save_changes(turn_context)

    async def _submit(self, turn_context: TurnContext, value: Mapping[str, Any]) -> None:
        """An Action.Submit (the fallback of Action.Execute) arrives as a message with a value."""
        turn = self._turn(turn_context)
        card = await dispatch(turn, value)
        reply_to = turn_context.activity.reply_to_id
        if reply_to:
            update = MessageFactory.attachment(CardFactory.adaptive_card(card))
            update.id = reply_to
            await turn_context.update_activity(update)
        else:
            await turn.reply_card(card)

    # -- invokes ---------------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name != ADAPTIVE_CARD_ACTION:
            return await super().on_invoke_activity(turn_context)
        action = as_dict(as_dict(turn_context.activity.value).get("action"))
        data = as_dict(action.get("data"))
        card = escape_card(await dispatch(self._turn(turn_context), data, action.get("verb")))
        # The wire form of an AdaptiveCardInvokeResponse, written by bot.app as it is: the SDK's
        # msrest serializer would only turn its model into this same dict, more slowly.
        return InvokeResponse(
            status=200, body={"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}
        )
