"""Pseudonymisation and what is kept about one person, on a whole trajectory."""

from __future__ import annotations

import json
from datetime import timedelta

from wasstraat import commands as c
from wasstraat.model import SYSTEM
from wasstraat.privacy import anonymize, people_in, person_data
from wasstraat.samples import PE, VM2, Run, to_step


def finished() -> Run:
    run = Run()
    to_step(run, "evaluatie")
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=180))
    run.do(PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4}, went_well="goed"))
    return run


def test_anonymising_leaves_no_id_or_name_of_anyone():
    run = finished()
    named = people_in(run.t)
    assert len(named) > 8
    result, mapping = anonymize(run.t, now=run.now)
    dump = json.dumps(result.model_dump(mode="json"))
    for person_id, name in named.items():
        assert person_id not in dump
        assert f'"{name}"' not in dump
    assert set(mapping) == set(named)
    assert result.anonymized_at == run.now
    # what the trajectory was about stays: the improvements, the KPIs, the lessons
    assert result.improvements[0].text == run.t.improvements[0].text
    assert result.kpis[0].measurements[-1].value == 4
    assert result.evaluation.went_well == "goed"


def test_a_remark_is_cleared_with_its_author_and_others_stay_untouched():
    run = Run()
    to_step(run, "3b")
    run.do(VM2, c.AnswerCheck(agrees=False, remark="Vraag het Petra, zij weet het"))
    result, mapping = anonymize(run.t, now=run.now, only={VM2.aad_object_id})
    dump = json.dumps(result.model_dump(mode="json"))
    assert VM2.aad_object_id not in dump and "Vraag het Petra" not in dump
    assert PE.aad_object_id in dump and PE.name in dump
    assert list(mapping) == [VM2.aad_object_id]
    assert result.anonymized_at is None


def test_what_is_kept_about_one_person():
    run = Run()
    to_step(run, "3b")
    run.do(VM2, c.AnswerCheck(agrees=False, remark="De balie ontbreekt"))
    data = person_data(run.t, VM2.aad_object_id)
    assert data["roles"] == ["vakinhoudelijk_medewerker"]
    assert any(e.get("remark") == "De balie ontbreekt" for e in data["entries"])
