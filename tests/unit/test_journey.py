"""The klantreis's hartslag as the cards draw it (a column per moment, ● now and ○ desired in
the row of their feeling) and the moments as the step's card reads them back."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from cards import journey
from cards.catalogue import text
from cards.detail import detail_card
from wasstraat.model import ContactMoment, Feeling
from wasstraat.samples import TEMPLATE, Run, to_step

ZONE = ZoneInfo("Europe/Amsterdam")
ROW = {f: n for n, f in enumerate(journey.FEELINGS, start=1)}  # row 0 is the channel's header


def moment(channel: str, now: Feeling, desired: Feeling | None) -> ContactMoment:
    return ContactMoment(phase="Aanvragen", channel=channel, current=now, desired=desired)


def columns(elements: list[dict]) -> list[list[str]]:
    [chart] = [e for e in elements if e["type"] == "ColumnSet"]
    return [[block["text"] for block in c["items"]] for c in chart["columns"]]


def test_each_moment_is_a_column_headed_by_its_channel_with_now_and_desired_in_their_rows():
    moments = [
        moment("balie", Feeling.NEGATIVE, Feeling.POSITIVE),
        moment("website", Feeling.POSITIVE, Feeling.POSITIVE),
        moment("telefoon", Feeling.NEUTRAL, None),
    ]
    drawn = journey.hartslag(moments, TEMPLATE, "en")
    labels, desk, web, phone = columns(drawn)
    assert labels[1:] == ["positive", "neutral", "negative"]
    blank = journey.BLANK
    assert desk == ["Desk", "○", blank, "●"]
    assert web == ["Website", "●○", blank, blank]
    assert phone == ["Phone", blank, "●", blank]
    # the moment felt now is coloured by its feeling
    [chart] = [e for e in drawn if e["type"] == "ColumnSet"]
    now = chart["columns"][1]["items"][ROW[Feeling.NEGATIVE]]
    assert now["color"] == "Attention" and "color" not in chart["columns"][1]["items"][1]
    assert journey.line(moments, "nl") == "Hartslag nu: − + 0; gewenst: + + ·"


def test_a_long_journey_draws_its_first_moments_and_counts_the_rest():
    moments = [moment("balie", Feeling.NEUTRAL, None)] * (journey.MOMENTS_DRAWN + 3)
    drawn = journey.hartslag(moments, TEMPLATE, "nl")
    assert len(columns(drawn)) == 1 + journey.MOMENTS_DRAWN
    assert "En nog 3:" in json.dumps(drawn, ensure_ascii=False)


def test_the_card_reads_a_moment_once_anything_is_given_in_its_row_beyond_the_preset_feeling():
    inputs = {
        "moment1_now": "neutral",  # the preset alone: no moment
        "moment2_phase": "Afspraak",
        "moment2_channel": "balie",
        "moment2_now": "negative",
        "moment2_desired": "positive",
        "moment2_note": "lange rij",
        "moment3_note": "zonder kanaal",  # the engine refuses it, with the reason
    }
    read = journey.read_moments(inputs)
    assert [(m.phase, m.channel, m.current, m.desired, m.note) for m in read] == [
        ("Afspraak", "balie", Feeling.NEGATIVE, Feeling.POSITIVE, "lange rij"),
        ("", "", Feeling.NEUTRAL, None, "zonder kanaal"),
    ]


def test_the_detail_card_draws_the_hartslag_unless_the_template_switched_moments_off():
    run = Run()
    to_step(run, "6")
    assert run.t.klantreis is not None and run.t.klantreis.contact_moments
    shown = json.dumps(
        detail_card(run.t, template=TEMPLATE, language="nl", zone=ZONE, now=run.now),
        ensure_ascii=False,
    )
    legend = text("journey.legend", "nl")
    assert legend in shown and '"text": "Telefoon"' in shown
    off = TEMPLATE.model_copy(update={"contact_moments": False})
    hidden = json.dumps(
        detail_card(run.t, template=off, language="nl", zone=ZONE, now=run.now),
        ensure_ascii=False,
    )
    assert legend not in hidden and '"text": "Telefoon"' not in hidden
