"""Text commands: one handler per command word, looked up in a registry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.downloads import Links
from bot.privacy import audit_export, remove_person
from bot.registry import Registry
from bot.trajectories import (
    add_idea,
    answer_check_by_text,
    channel_status_card,
    export_by_text,
    my_tasks_card,
    nudge_by_text,
    start_trajectory,
)
from bot.turn import Turn
from cards.welcome import help_card
from dialogs.check_reply import read_check_reply
from wasstraat.privacy import object_id

CommandHandler = Callable[[Turn, str], Awaitable[None]]

COMMANDS: Registry[CommandHandler] = Registry("command")

START_DIALOG_ID = "start_trajectory"


def parse(text: str) -> tuple[str, str]:
    """Split a message into its command word and the rest.

    ``'Start  X y'`` gives ``('start', 'X y')``.
    """
    words = text.strip().split(None, 1)
    if not words:
        return "", ""
    return words[0].lower(), (words[1].strip() if len(words) > 1 else "")


@COMMANDS.register("help", "hulp", "?")
async def help_command(turn: Turn, _args: str) -> None:
    await turn.reply_card(help_card(turn.language, in_channel=turn.in_channel))


@COMMANDS.register("start")
async def start_command(turn: Turn, args: str) -> None:
    if args:
        await start_trajectory(turn, args)
    elif turn.dialogs is not None:
        await turn.dialogs.begin_dialog(START_DIALOG_ID)
    else:
        await turn.reply_text("start.product_missing")


@COMMANDS.register("status")
async def status_command(turn: Turn, _args: str) -> None:
    await turn.reply_card(await channel_status_card(turn))


@COMMANDS.register("mijn", "taken", "my", "tasks")
async def tasks_command(turn: Turn, args: str) -> None:
    """'mijn taken' / 'my tasks' / 'taken'."""
    if args and args.lower() not in ("taken", "tasks"):
        await turn.reply_text("unknown")
        return
    await turn.reply_card(await my_tasks_card(turn))


@COMMANDS.register("herinner", "remind")
async def nudge_command(turn: Turn, args: str) -> None:
    """'herinner nu' / 'remind now' (the project leader's nudge)."""
    if args.lower() not in ("", "nu", "now"):
        await turn.reply_text("unknown")
        return
    await nudge_by_text(turn)


@COMMANDS.register("export", "dossier")
async def export_command(turn: Turn, _args: str) -> None:
    """'export': the trajectory's dossier as a Word document, behind an expiring link."""
    await export_by_text(turn)


ADMIN_EXPORT = frozenset({"export", "inzage"})
ADMIN_REMOVE = frozenset({"verwijder", "remove"})


@COMMANDS.register("admin")
async def admin_command(turn: Turn, args: str) -> None:
    """'admin export <object id>' / 'admin verwijder <object id>': AVG requests, for the
    configured administrators only, in their 1:1 chat; audited."""
    actor = turn.actor
    if actor is None or actor.aad_object_id not in turn.services.settings.admin_ids:
        await turn.reply_text("unknown")  # not an administrator: as if there were no command
        return
    if turn.conversation_type != "personal":
        await turn.reply_text("admin.personal_only")
        return
    words = args.split()
    if len(words) != 2 or words[0].lower() not in ADMIN_EXPORT | ADMIN_REMOVE:
        await turn.reply_text("admin.usage")
        return
    action, person_id = words[0].lower(), object_id(words[1])
    if person_id is None:  # only a whole, well-formed id matches anything
        await turn.reply_text("admin.not_an_object_id")
        return
    if action in ADMIN_EXPORT:
        await audit_export(turn.services, person_id, actor)
        links = await Links.create(turn.services)
        url = links.person_url(person_id, actor.aad_object_id)
        await turn.reply_text("admin.exported", url=url)
        return
    removed, running = await remove_person(turn.services, person_id, actor)
    await turn.reply_text("admin.removed", count=removed, running=running)


@COMMANDS.register("idee", "idea")
async def idea_command(turn: Turn, args: str) -> None:
    await add_idea(turn, args)


async def unknown_command(turn: Turn, text: str) -> None:
    """Not a command: maybe the answer to an open 3b check, else a short help."""
    reply = read_check_reply(text)
    if reply is not None and await answer_check_by_text(turn, reply):
        return
    await turn.reply_text("unknown")
