"""The klantreis as the VNG method draws it: the contact moments of a customer's journey, each
through a channel and felt as positief, neutraal or negatief now and as it should be, and the
journey's hartslag drawn from them, moment by moment. Asked on the step's card (behind one
button, so the card stays short) and drawn on the card, the news in the channel and the detail
card; the dossier and the portfolio tab draw the same series."""

from __future__ import annotations

from collections.abc import Sequence

from cards.base import Element, action_set, paragraph, row, toggle
from cards.catalogue import Language, text
from cards.formbase import FormView, Inputs, choice, text_input, text_of
from wasstraat import limits
from wasstraat.model import ContactMoment, Feeling, Trajectory
from wasstraat.template import Section, Step, Template

MOMENT_ROWS = limits.CONTACT_MOMENTS  # all of them, on the step's card (under 28 KB)
MOMENTS_DRAWN = 8  # columns of the hartslag at a card's 500 px
MOMENTS = "contact_moments"  # the container of the moments' inputs, opened on demand
# the hartslag's rows, top to bottom, and the colour of a moment felt so now
FEELINGS = (Feeling.POSITIVE, Feeling.NEUTRAL, Feeling.NEGATIVE)
COLOUR = {Feeling.POSITIVE: "Good", Feeling.NEUTRAL: "Default", Feeling.NEGATIVE: "Attention"}
NOW, DESIRED = "●", "○"
# the hartslag in a line of text (the dossier, a chat message)
SIGN = {Feeling.POSITIVE: "+", Feeling.NEUTRAL: "0", Feeling.NEGATIVE: "−"}


def channel_name(template: Template, channel_id: str, language: Language) -> str:
    channel = template.channel(channel_id)
    return channel.name.get(language) if channel else channel_id


# -- asked on the step's card ----------------------------------------------------------------------


def moments_part(view: FormView, moments: Sequence[ContactMoment]) -> list[Element]:
    """The hartslag so far, and the moments' inputs behind one button."""
    if not view.template.contact_moments:
        return []
    body: list[Element] = [paragraph(view.t("journey.title"), spacing="Medium")]
    if moments:
        body += hartslag(moments, view.template, view.language)
    else:
        body.append(paragraph(view.t("journey.none_yet"), subtle=True, spacing="Small"))
    title = view.t("journey.change" if moments else "journey.add")
    rows = [e for n in range(1, MOMENT_ROWS + 1) for e in _moment_inputs(view, n, moments)]
    return [
        *body,
        action_set([toggle(title, MOMENTS)]),
        {"type": "Container", "id": MOMENTS, "isVisible": False, "items": rows},
    ]


def _feelings(view: FormView) -> list[tuple[str, str]]:
    return [(f.value, view.t(f"journey.feeling.{f.value}")) for f in FEELINGS]


def _moment_inputs(view: FormView, n: int, moments: Sequence[ContactMoment]) -> list[Element]:
    """A moment in one row (its phase, channel, and how it feels now and should feel), its
    note below."""
    moment = moments[n - 1] if n <= len(moments) else None
    channels = [(c.id, c.name.get(view.language)) for c in view.template.channels]
    inputs = row(
        text_input(
            f"moment{n}_phase",
            view.t("journey.phase", n=n),
            value=moment.phase if moment else "",
            max_length=80,
        ),
        choice(
            f"moment{n}_channel",
            view.t("journey.channel"),
            channels,
            moment.channel if moment else None,
        ),
        choice(
            f"moment{n}_now",
            view.t("journey.now"),
            _feelings(view),
            moment.current.value if moment else Feeling.NEUTRAL.value,
        ),
        choice(
            f"moment{n}_desired",
            view.t("journey.desired"),
            _feelings(view),
            moment.desired.value if moment and moment.desired else None,
        ),
        weights=(3, 3, 2, 2),
    )
    note = text_input(
        f"moment{n}_note",
        view.t("journey.note"),
        value=moment.note if moment else "",
        max_length=150,
    )
    return [{**inputs, "spacing": "Medium"}, {**note, "spacing": "Small"}]


def read_moments(inputs: Inputs) -> list[ContactMoment]:
    """The moments given on the card, in their order: a row counts once anything is typed or
    chosen in it beyond the preset feeling (a row without its channel is the engine's to refuse,
    with the reason)."""
    found: list[ContactMoment] = []
    for n in range(1, MOMENT_ROWS + 1):
        phase, channel, note = (
            text_of(inputs, f"moment{n}_{k}") for k in ("phase", "channel", "note")
        )
        if not (phase or channel or note):
            continue
        desired = text_of(inputs, f"moment{n}_desired")
        found.append(
            ContactMoment(
                phase=phase,
                channel=channel,
                current=Feeling(text_of(inputs, f"moment{n}_now") or Feeling.NEUTRAL.value),
                desired=Feeling(desired) if desired else None,
                note=note,
            )
        )
    return found


# -- drawn -----------------------------------------------------------------------------------------


def recorded(
    trajectory: Trajectory, step: Step, template: Template, language: Language
) -> list[Element]:
    """The hartslag as recorded, on the card of a step whose work holds the klantreis (once
    the step is done, what it brought)."""
    keeps = any(Section.KLANTREIS in held for held in step.may.values())
    k = trajectory.klantreis
    if not keeps or k is None or not k.contact_moments or not template.contact_moments:
        return []
    title = paragraph(text("journey.title", language), spacing="Medium")
    return [title, *hartslag(k.contact_moments, template, language)]


def _mark(moment: ContactMoment, feeling: Feeling) -> Element:
    now = moment.current is feeling
    desired = moment.desired is feeling
    mark = (NOW if now else "") + (DESIRED if desired else "")
    if not mark:
        return {"type": "TextBlock", "text": " ", "spacing": "None"}
    block: Element = {
        "type": "TextBlock",
        "text": mark,
        "horizontalAlignment": "Center",
        "spacing": "None",
    }
    if now:
        block["color"] = COLOUR[feeling]
        block["weight"] = "Bolder"
    return block


def hartslag(
    moments: Sequence[ContactMoment], template: Template, language: Language
) -> list[Element]:
    """The journey's hartslag: a column per moment (its channel on top), a row per feeling,
    ● where it is felt now and ○ where it should be; the first moments when there are many."""
    if not moments:
        return []
    shown = moments[:MOMENTS_DRAWN]
    labels: Element = {
        "type": "Column",
        "width": "auto",
        "items": [
            {"type": "TextBlock", "text": " ", "size": "Small"},
            *(
                {
                    "type": "TextBlock",
                    "text": text(f"journey.feeling.{f.value}", language),
                    "isSubtle": True,
                    "spacing": "None",
                }
                for f in FEELINGS
            ),
        ],
    }
    columns = [
        {
            "type": "Column",
            "width": "stretch",
            "items": [
                {
                    "type": "TextBlock",
                    "text": channel_name(template, m.channel, language),
                    "size": "Small",
                    "isSubtle": True,
                    "horizontalAlignment": "Center",
                },
                *(_mark(m, f) for f in FEELINGS),
            ],
        }
        for m in shown
    ]
    elements: list[Element] = [
        {"type": "ColumnSet", "spacing": "Small", "columns": [labels, *columns]},
        paragraph(text("journey.legend", language), subtle=True, spacing="Small"),
    ]
    if len(moments) > len(shown):
        elements.append(
            paragraph(text("form.more", language, count=len(moments) - len(shown)), subtle=True)
        )
    return elements


def line(moments: Sequence[ContactMoment], language: Language) -> str:
    """The hartslag in a line of text: "nu + 0 − −, gewenst + + + 0"."""
    now = " ".join(SIGN[m.current] for m in moments)
    desired = " ".join(SIGN[m.desired] if m.desired else "·" for m in moments)
    return text("journey.line", language, now=now, desired=desired)
