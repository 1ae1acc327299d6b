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
BLANK = "\u00a0"  # a cell without a mark keeps its row's height (a plain space draws none)
# the hartslag in a line of text (the dossier, a chat message)
SIGN = {Feeling.POSITIVE: "+", Feeling.NEUTRAL: "0", Feeling.NEGATIVE: "−"}


def channel_name(template: Template, channel_id: str, language: Language) -> str:
    channel = template.channel(channel_id)
    return channel.name.get(language) if channel else channel_id


# -- asked on the step's card ----------------------------------------------------------------------


def moments_part(view: FormView, moments: Sequence[ContactMoment]) -> list[Element]:
    """The hartslag so far, and the moments' inputs behind one button: those recorded and one
    more, the rest opening one by one with "another moment"."""
    if not view.template.contact_moments:
        return []
    body: list[Element] = [_title(view.t("journey.title"))]
    if moments:
        body += hartslag(moments, view.template, view.language)
    else:
        body.append(paragraph(view.t("journey.none_yet"), subtle=True, spacing="Small"))
    title = view.t("journey.change" if moments else "journey.add")
    shown = min(len(moments) + 1, MOMENT_ROWS)
    rows: list[Element] = []
    for n in range(1, MOMENT_ROWS + 1):
        fields = _moment_inputs(view, n, moments)
        if n <= shown:
            rows += fields
            continue
        # hidden, yet the form's: the inputs go with its save button, open or not
        rows += [
            action_set(
                [
                    toggle(
                        view.t("journey.another"),
                        f"moment{n}",
                        f"moment{n}_add",
                        *([f"moment{n + 1}_add"] if n < MOMENT_ROWS else []),
                    )
                ],
                id_=f"moment{n}_add",
                visible=n == shown + 1,
            ),
            {"type": "Container", "id": f"moment{n}", "isVisible": False, "items": fields},
        ]
    return [
        *body,
        action_set([toggle(title, MOMENTS)]),
        {"type": "Container", "id": MOMENTS, "isVisible": False, "items": rows},
    ]


def _title(said: str) -> Element:
    return {**paragraph(said, spacing="Medium"), "weight": "Bolder"}


def _feelings(view: FormView) -> list[tuple[str, str]]:
    return [(f.value, view.t(f"journey.feeling.{f.value}")) for f in FEELINGS]


def _moment_inputs(view: FormView, n: int, moments: Sequence[ContactMoment]) -> list[Element]:
    """A moment in two rows: its phase and channel; how it feels now, how it should feel, and
    a note."""
    moment = moments[n - 1] if n <= len(moments) else None
    channels = [(c.id, c.name.get(view.language)) for c in view.template.channels]
    where = row(
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
        weights=(3, 2),
    )
    felt = row(
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
        text_input(
            f"moment{n}_note",
            view.t("journey.note"),
            value=moment.note if moment else "",
            max_length=150,
        ),
        weights=(2, 2, 3),
    )
    return [{**where, "spacing": "Medium"}, {**felt, "spacing": "Small"}]


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
    return titled(k.contact_moments, template, language)


def titled(
    moments: Sequence[ContactMoment], template: Template, language: Language
) -> list[Element]:
    """The hartslag under its title ("Contactmomenten")."""
    return [_title(text("journey.title", language)), *hartslag(moments, template, language)]


def _mark(moment: ContactMoment, feeling: Feeling) -> Element:
    now = moment.current is feeling
    desired = moment.desired is feeling
    mark = (NOW if now else "") + (DESIRED if desired else "")
    if not mark:
        return {"type": "TextBlock", "text": BLANK, "spacing": "None"}
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
            {"type": "TextBlock", "text": BLANK, "size": "Small"},
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
