"""A typed view of one incoming activity: who, where, which language, and how to answer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext
from botbuilder.schema import Activity, ActivityTypes
from pydantic import ValidationError

from bot.services import Services
from bot.workflow import Inbox, Workflow
from cards.catalogue import Language, language_for, text
from cards.outcomes import Viewer, refusal_message
from wasstraat.engine import EngineError, NotNow
from wasstraat.model import Binding, Person, Trajectory
from wasstraat.template import Template
from wasstraat.text import clean_text

THREAD_MARKER = ";messageid="
NAME_LENGTH = Person.model_fields["name"].metadata[0].max_length  # a display name as kept


def activity_tenant(activity: Activity) -> str | None:
    """The tenant an activity comes from (Teams puts it in two places)."""
    if activity.conversation is not None and activity.conversation.tenant_id:
        return str(activity.conversation.tenant_id)
    tenant = as_dict(activity.channel_data).get("tenant")
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
        return str(tenant["id"])
    return None


def activity_locale(activity: Activity) -> str | None:
    if activity.locale:
        return str(activity.locale)
    for entity in activity.entities or []:
        properties = getattr(entity, "additional_properties", None) or {}
        if getattr(entity, "type", None) == "clientInfo" and properties.get("locale"):
            return str(properties["locale"])
    return None


def as_dict(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (payloads are not trusted)."""
    return value if isinstance(value, dict) else {}


def inbox_key(activity: Activity) -> str | None:
    """The key a processed activity is remembered by: its id within its conversation and
    channel (Teams ids are only unique there), hashed to a fixed length."""
    if not activity.id:
        return None
    conversation = activity.conversation.id if activity.conversation else ""
    raw = f"{activity.channel_id or ''}|{conversation}|{activity.id}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def input_problem(error: ValidationError) -> tuple[str, dict[str, object]]:
    """The catalogue key (and its values) that tells a person what was wrong with their input;
    read from the error's types, never from the input itself."""
    for detail in error.errors(include_input=False, include_url=False):
        if detail["type"] == "string_too_long":
            return "error.too_long", {"max": (detail.get("ctx") or {}).get("max_length", "?")}
    return "error.invalid", {}


def activity_binding(activity: Activity) -> Binding:
    channel_data = as_dict(activity.channel_data)
    team = as_dict(channel_data.get("team"))
    channel = as_dict(channel_data.get("channel"))
    conversation_id = str(activity.conversation.id).split(THREAD_MARKER)[0]
    return Binding(
        tenant_id=activity_tenant(activity),
        conversation_id=conversation_id,
        team_id=team.get("id") if isinstance(team.get("id"), str) else None,
        team_name=(
            clean_text(team["name"])[:NAME_LENGTH] or None
            if isinstance(team.get("name"), str)
            else None
        ),
        channel_id=channel.get("id") if isinstance(channel.get("id"), str) else None,
    )


def activity_actor(activity: Activity) -> Person | None:
    """The sender as a person, by Entra object id; None when the channel does not give one."""
    sender = activity.from_property
    if sender is None or not sender.aad_object_id:
        return None
    name = clean_text(str(sender.name or ""))[:NAME_LENGTH]
    return Person(aad_object_id=str(sender.aad_object_id), name=name)


# the activities a redelivery of would change something: remembered in the inbox once processed
DEDUPED_TYPES = frozenset({ActivityTypes.message, ActivityTypes.invoke, "installationUpdate"})
TURN_STATE = "wasstraat.turn"  # where a turn keeps what it worked out (TurnContext.turn_state)


def deduped_key(activity: Activity) -> str | None:
    """The inbox key of an activity whose redelivery must change nothing; None for the others."""
    return inbox_key(activity) if activity.type in DEDUPED_TYPES else None


@dataclass(slots=True)
class Turn:
    """What one incoming activity is, worked out once when it arrives: who sent it (by Entra
    object id), where, in which language, *now* (one reading of the clock, shared by every
    check and the engine), and its inbox key. Handlers are given it; nothing below asks the
    activity again."""

    context: TurnContext
    services: Services
    activity: Activity
    actor: Person | None
    language: Language
    now: datetime
    binding: Binding
    conversation_type: str
    inbox: Inbox
    dialogs: DialogContext | None = None

    @classmethod
    def of(cls, context: TurnContext, services: Services) -> Turn:
        """The turn of this activity, made on its first use and kept in the turn state."""
        made = context.turn_state.get(TURN_STATE)
        if isinstance(made, Turn):
            return made
        activity = context.activity
        turn = cls(
            context=context,
            services=services,
            activity=activity,
            actor=activity_actor(activity),
            language=language_for(activity_locale(activity), services.settings.default_locale),
            now=services.clock(),
            binding=activity_binding(activity),
            conversation_type=activity.conversation.conversation_type or "personal",
            inbox=Inbox(deduped_key(activity)),
        )
        context.turn_state[TURN_STATE] = turn
        return turn

    @property
    def inbox_key(self) -> str | None:
        return self.inbox.key

    @property
    def in_channel(self) -> bool:
        return self.conversation_type == "channel"

    @property
    def workflow(self) -> Workflow:
        """The engine's commands applied at this turn's moment, its inbox key with them."""
        return Workflow(self.services, now=self.now, inbox=self.inbox)

    @property
    def viewer(self) -> Viewer:
        return self.viewer_for(None)

    def viewer_for(self, trajectory: Trajectory | None) -> Viewer:
        """The viewer of a trajectory's cards, with the wasstraat that trajectory follows (the
        current one for cards about no trajectory in particular)."""
        return Viewer(
            language=self.language,
            template=self.template_of(trajectory),
            zone=self.services.zone,
            now=self.now,
        )

    def template_of(self, trajectory: Trajectory | None) -> Template:
        if trajectory is None:
            return self.services.template
        return self.services.template_of(trajectory)

    def refusal(self, error: EngineError, trajectory: Trajectory | None = None) -> str:
        """Any refusal of the engine in this person's words: the one place refusals become text."""
        return refusal_message(
            error.code,
            error.detail,
            language=self.language,
            template=self.template_of(trajectory),
            trajectory=trajectory,
            not_now=isinstance(error, NotNow),
        )

    def text(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    async def remember_conversation(self, *, keep_existing: bool = False) -> None:
        """Store where the bot can reach this conversation later (proactive messages).

        For a channel thread the channel itself is stored, so a later post starts a new thread.
        With ``keep_existing`` a stored reference is left as it is (events such as
        conversationUpdate carry no locale and arrive together with the installation).
        """
        activity = self.activity
        conversation_type = self.conversation_type
        reference = TurnContext.get_conversation_reference(activity)
        base = str(activity.conversation.id).split(THREAD_MARKER)[0]
        reference.conversation.id = base
        reference.activity_id = None  # a later message starts anew instead of replying
        reference.locale = activity_locale(activity)
        if conversation_type != "personal":
            reference.user = None  # a channel or group chat is nobody's: keep no sender
        sender = activity.from_property
        await self.services.store.references.save(
            conversation_id=base,
            conversation_type=conversation_type,
            reference=reference.serialize(),
            tenant_id=activity_tenant(activity),
            aad_object_id=(
                sender.aad_object_id if sender and conversation_type == "personal" else None
            ),
            now=self.now,
            keep_existing=keep_existing,
        )

    async def reply_input_problem(self, error: ValidationError) -> None:
        """Tell the sender, in their language, what was wrong with what they typed."""
        key, values = input_problem(error)
        await self.reply_text(key, **values)

    async def reply_text(self, key: str, **values: object) -> None:
        await self.context.send_activity(MessageFactory.text(self.text(key, **values)))

    async def reply_plain(self, message: str) -> None:
        """Text already taken from the catalogue (e.g. several receipts together)."""
        await self.context.send_activity(MessageFactory.text(message))

    async def reply_card(self, card: dict[str, Any]) -> None:
        await self.context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))
