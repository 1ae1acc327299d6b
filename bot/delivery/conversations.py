"""The conversations the bot sends into: a person's 1:1 chat (stored, or opened once through
the trajectory's team) or the trajectory's channel, and one send into one of them."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from botbuilder.schema.teams import TeamsChannelAccount

from bot.replies import PACED_ELSEWHERE
from bot.services import Services
from storage import Recipient, ToPerson
from wasstraat.model import Trajectory


class Unreachable(Exception):
    """No conversation with the recipient can be found or made."""


class Conversations:
    def __init__(self, services: Services, adapter: CloudAdapter) -> None:
        self._services = services
        self._adapter = adapter

    async def send(
        self, reference: ConversationReference, activity: Activity, *, update: bool = False
    ) -> str | None:
        """Send one activity into a conversation; SDK errors are raised here, not swallowed
        by the adapter's turn error handler."""
        result: dict[str, Any] = {}

        async def send(context: TurnContext) -> None:
            context.turn_state[PACED_ELSEWHERE] = True  # paced by the delivery, as bulk
            try:
                if update:
                    response = await context.update_activity(activity)
                else:
                    response = await context.send_activity(activity)
                result["id"] = response.id if response else None
            except Exception as error:
                result["error"] = error

        await self._adapter.continue_conversation(reference, send, self._services.settings.app_id)
        if "error" in result:
            raise result["error"]
        return result.get("id")

    async def reference_for(
        self, recipient: Recipient, trajectory: Trajectory
    ) -> ConversationReference:
        references = self._services.store.references
        if not isinstance(recipient, ToPerson):
            stored = await references.of_conversation(trajectory.binding.conversation_id)
            if stored is None:
                raise Unreachable("channel")
            return ConversationReference().deserialize(stored)
        stored = await references.personal(recipient.aad_object_id)
        if stored is not None:
            return ConversationReference().deserialize(stored)
        return await self._create_personal(recipient.aad_object_id, trajectory)

    async def team_member(
        self, aad_object_id: str, trajectory: Trajectory
    ) -> tuple[ConversationReference, TeamsChannelAccount]:
        """The person as a member of the trajectory's team (and the team's reference)."""
        team_ref = await self._services.store.references.of_conversation(
            trajectory.binding.conversation_id
        )
        if team_ref is None or not trajectory.binding.team_id:
            raise Unreachable("no team to find the person in")
        base = ConversationReference().deserialize(team_ref)
        team_id = trajectory.binding.team_id
        found: dict[str, Any] = {}

        async def lookup(context: TurnContext) -> None:
            try:
                found["member"] = await TeamsInfo.get_team_member(context, team_id, aad_object_id)
            except Exception as error:
                found["error"] = error

        await self._adapter.continue_conversation(base, lookup, self._services.settings.app_id)
        if "error" in found:
            raise found["error"]
        return base, found["member"]

    async def address_of(self, aad_object_id: str, trajectory: Trajectory) -> str | None:
        """A person's e-mail address (or UPN), asked of Teams when needed and never stored."""
        try:
            _, member = await self.team_member(aad_object_id, trajectory)
        except Exception:
            return None
        return getattr(member, "email", None) or getattr(member, "user_principal_name", None)

    async def _create_personal(
        self, aad_object_id: str, trajectory: Trajectory
    ) -> ConversationReference:
        """Create the 1:1 chat once, via the trajectory's team, and remember it."""
        base, member = await self.team_member(aad_object_id, trajectory)
        tenant = trajectory.binding.tenant_id
        parameters = ConversationParameters(
            is_group=False,
            bot=base.bot,
            members=[ChannelAccount(id=member.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        created: dict[str, Any] = {}

        async def remember(context: TurnContext) -> None:
            created["reference"] = TurnContext.get_conversation_reference(context.activity)

        await self._adapter.create_conversation(
            self._services.settings.app_id,
            remember,
            parameters,
            base.channel_id,
            base.service_url,
            None,
        )
        reference: ConversationReference = created["reference"]
        reference.user = ChannelAccount(id=member.id, aad_object_id=aad_object_id, name=member.name)
        await self._services.store.references.save(
            conversation_id=str(reference.conversation.id),
            conversation_type="personal",
            reference=reference.serialize(),
            tenant_id=tenant,
            aad_object_id=aad_object_id,
            now=self._services.clock(),
        )
        return reference
