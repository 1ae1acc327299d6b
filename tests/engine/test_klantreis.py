"""The klantreis as a journey: contact moments through the template's channels, none where the
template switched them off; a refused recording changes nothing."""

from __future__ import annotations

import pytest

from cards.evidence import origin_line
from wasstraat import commands as c
from wasstraat.context import InvalidInput
from wasstraat.model import ContactMoment, Feeling, KlantreisMethod
from wasstraat.samples import KC, TEMPLATE, Run, to_step
from wasstraat.template import Name, Named


def journey(*moments: ContactMoment) -> c.RecordKlantreis:
    return c.RecordKlantreis(method=KlantreisMethod.OWN_INTERVIEWS, contact_moments=list(moments))


def moment(channel: str, current: Feeling = Feeling.NEGATIVE) -> ContactMoment:
    return ContactMoment(phase="Aanvragen", channel=channel, current=current, note="Lang wachten")


def test_a_moment_through_a_channel_the_template_does_not_know_is_refused_and_nothing_kept():
    run = Run()
    to_step(run, "4")
    with pytest.raises(InvalidInput) as refused:
        run.do(KC, journey(moment("balie"), moment("postduif")))
    assert refused.value.code == "unknown_channel"
    assert run.t.klantreis is None and run.t.improvements == []


def test_a_template_names_its_own_channels_and_the_candidate_says_where_it_was_felt():
    app = Named(id="app", name=Name(nl="App", en="App"))
    template = TEMPLATE.model_copy(update={"channels": (*TEMPLATE.channels, app)})
    run = Run(template=template)
    to_step(run, "4")
    run.do(KC, journey(moment("app"), moment("balie", Feeling.POSITIVE)))
    [candidate] = run.t.improvements
    assert (candidate.text, candidate.channel) == ("Lang wachten", "app")
    assert origin_line(candidate, template, "nl") == "Uit de klantreis, app (Koen)"


def test_a_template_without_contact_moments_records_the_klantreis_without_them():
    template = TEMPLATE.model_copy(update={"contact_moments": False})
    run = Run(template=template)
    to_step(run, "4")
    with pytest.raises(InvalidInput) as refused:
        run.do(KC, journey(moment("balie")))
    assert refused.value.code == "contact_moments_off"
    run.do(KC, journey())
    assert run.t.klantreis is not None and run.t.klantreis.contact_moments == []


def test_pain_points_longer_together_than_the_card_holds_are_refused_and_nothing_kept():
    run = Run()
    to_step(run, "4")
    lines = ["x" * 249] * 20  # 5,000 characters with their line breaks: just what fits
    run.do(KC, c.RecordKlantreis(method=KlantreisMethod.OWN_INTERVIEWS, pain_points=lines))
    kept = run.t.klantreis
    with pytest.raises(InvalidInput) as refused:
        run.do(
            KC,
            c.RecordKlantreis(method=KlantreisMethod.OWN_INTERVIEWS, pain_points=[*lines, "y"]),
        )
    assert refused.value.code == "too_long"
    assert run.t.klantreis == kept
