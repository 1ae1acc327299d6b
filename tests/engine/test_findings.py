"""What people find becomes a candidate for the plan beside the ideas, with where it came from;
recording a finding again updates its candidate, taking it back drops it unless it was chosen."""

from __future__ import annotations

from wasstraat import commands as c
from wasstraat.model import ContactMoment, Feeling, KlantreisMethod, Origin, Verdict
from wasstraat.samples import IV, KC, PA, VM1, VM2, Run, finish, to_step


def candidates(run: Run) -> list[tuple[str, Origin, str]]:
    return [(i.id, i.origin, i.text) for i in run.t.improvements]


def klantreis(pain_points: list[str], moments: list[ContactMoment] = ()) -> c.RecordKlantreis:  # type: ignore[assignment]
    return c.RecordKlantreis(
        method=KlantreisMethod.OTHER_FEEDBACK,
        findings="klachten",
        pain_points=pain_points,
        contact_moments=list(moments),
    )


def test_pain_points_and_negative_contact_moments_are_candidates_and_follow_the_klantreis():
    run = Run()
    to_step(run, "4")
    balie = ContactMoment(phase="Afspraak", channel="balie", current=Feeling.NEGATIVE, note="")
    site = ContactMoment(channel="website", current=Feeling.POSITIVE, note="duidelijk")
    run.do(KC, klantreis(["Wachttijd van drie weken", "Pasfoto afgekeurd"], [balie, site]))
    assert candidates(run) == [
        ("v1", Origin.KLANTREIS, "Wachttijd van drie weken"),
        ("v2", Origin.KLANTREIS, "Pasfoto afgekeurd"),
        ("v3", Origin.KLANTREIS, "Afspraak"),  # the positive moment is no finding
    ]
    assert run.t.improvements[2].channel == "balie"
    run.t.improvements[1].selected = True  # as a wasstraat whose plan runs alongside could
    # recorded again: one reworded, one taken back — but the chosen one stays chosen
    run.do(KC, klantreis(["Wachttijd van vier weken"]))
    assert candidates(run) == [
        ("v1", Origin.KLANTREIS, "Wachttijd van vier weken"),
        ("v2", Origin.KLANTREIS, "Pasfoto afgekeurd"),
    ]
    run.do(VM1, c.AddImprovement(text="Online afspraak maken"))
    assert candidates(run)[-1] == ("v4", Origin.IDEA, "Online afspraak maken")  # v3 not reused


def test_a_p_that_does_not_match_the_formule_is_a_candidate_with_its_note_until_it_matches():
    run = Run()
    to_step(run, "5")
    run.do(PA, c.AssessP(p="prijs", matches=False, note="Leges alleen aan de balie te betalen"))
    [found] = run.t.improvements
    assert (found.origin, found.p, found.text) == (
        Origin.P,
        "prijs",
        "Leges alleen aan de balie te betalen",
    )
    run.do(PA, c.AssessP(p="prijs", matches=False, note="Leges alleen contant"))
    assert [i.text for i in run.t.improvements] == ["Leges alleen contant"]
    run.do(PA, c.AssessP(p="prijs", matches=True))
    assert run.t.improvements == []


def test_a_remark_kept_for_the_plan_is_a_candidate_and_goes_back_with_a_send_back():
    run = Run()
    to_step(run, "3b")
    run.do(VM1, c.AnswerCheck(agrees=True))
    run.do(VM2, c.AnswerCheck(agrees=False, remark="De stap vingerafdrukken ontbreekt"))
    run.do(PA, c.ResolveRemark(of=VM2.aad_object_id, outcome="later", reason="Voor stap 6"))
    assert run.status("3b") == "done"
    assert candidates(run) == [("v1", Origin.CHECK, "De stap vingerafdrukken ontbreekt")]
    run.do(PA, c.SendBackCheck(round=1))  # after all, from the steps that just began
    assert run.t.improvements == []  # it travels with the description, back to 3a


def test_a_specialists_condition_is_a_candidate_of_its_own():
    run = Run()
    to_step(run, "7")
    run.do(
        IV,
        c.SubmitReview(
            improvement_id="v1",
            verdict=Verdict.ONDER_VOORWAARDEN,
            remark="Alleen met DigiD-koppeling",
            role="specialist_iv",
        ),
    )
    condition = run.t.improvements[-1]
    assert (condition.origin, condition.text, condition.selected) == (
        Origin.REVIEW,
        "Alleen met DigiD-koppeling",
        False,
    )


def test_the_happy_path_finds_nothing_but_the_idea():
    run = Run()
    to_step(run, "7")
    finish(run, "7")
    assert [(i.origin, i.text) for i in run.t.improvements] == [(Origin.IDEA, "Digitaal aanvragen")]
