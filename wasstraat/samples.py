"""A demo cast and trajectory driver: for examples, card exports, benchmarks and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wasstraat import commands as c
from wasstraat.engine import Outcome, apply, start_trajectory
from wasstraat.model import (
    SYSTEM,
    Binding,
    Decision,
    Horizon,
    ImplementationStatus,
    KlantreisMethod,
    Kpi,
    Person,
    Trajectory,
    Verdict,
)
from wasstraat.template import Template, default_template

TEMPLATE = default_template()
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def person(name: str) -> Person:
    return Person(aad_object_id=f"oid-{name.lower()}", name=name)


PL = person("Petra")  # projectleider
PE = person("Erik")  # proceseigenaar
PA = person("Anna")  # procesadviseur
KC = person("Koen")  # klantreiscoach
SP = person("Sanne")  # sponsor
VM1, VM2 = person("Vera"), person("Victor")  # vakinhoudelijk medewerkers
TM1, TM2 = person("Tom"), person("Tineke")  # teammanagers
IV = person("Ivo")  # specialist IV
PO = person("Pim")  # privacy officer
OUTSIDER = person("Olga")

ROLES = {
    "proceseigenaar": [PE],
    "procesadviseur": [PA],
    "klantreiscoach": [KC],
    "sponsor": [SP],
    "vakinhoudelijk_medewerker": [VM1, VM2],
    "teammanager": [TM1, TM2],
    "specialist_iv": [IV],
    "privacy_officer": [PO],
}


class Run:
    """Drives one trajectory through commands, keeping every outcome."""

    def __init__(self, now: datetime = T0, template: Template = TEMPLATE) -> None:
        self.now = now
        self.template = template
        outcome = start_trajectory(
            trajectory_id="t1",
            product="Parkeervergunning",
            binding=Binding(conversation_id="chan", tenant_id="tenant"),
            project_leader=PL,
            template=template,
            now=now,
        )
        self.t: Trajectory = outcome.trajectory
        self.outcomes: list[Outcome] = [outcome]

    def do(self, actor: Person, command: c.Command, *, after: timedelta = timedelta(hours=1)):
        self.now += after
        outcome = apply(self.t, command, actor, self.now, self.template)
        self.t = outcome.trajectory
        self.outcomes.append(outcome)
        return outcome

    def status(self, step: str) -> str:
        return self.t.status_of(step).value

    def assign_all(self) -> None:
        for role, people in ROLES.items():
            self.do(PL, c.AssignRole(role=role, people=people))


KPIS = [
    Kpi(name="Doorlooptijd", unit="dagen", baseline=10, target=3, how_measured="zaaksysteem"),
    Kpi(name="Klanttevredenheid", unit="cijfer", baseline=6.1, target=8, how_measured="enquête"),
]


def to_step(run: Run, step: str) -> None:
    """Drive the happy path until ``step`` is active."""
    order = ["2", "3a", "3b", "5", "6", "7", "8", "9", "10", "evaluatie"]
    if step == "1":
        return
    run.assign_all()
    run.do(PE, c.ConfirmSupport())
    run.do(PL, c.CompleteStep(step="1"))
    for current in order:
        if current == step:
            return
        _finish(run, current)


def _finish(run: Run, step: str) -> None:
    if step == "2":
        run.do(PL, c.ProposeKpis(kpis=KPIS))
        run.do(PE, c.DecideKpis(decision=Decision.APPROVE))
    elif step == "3a":
        run.do(PA, c.SetProcessMap(link="https://sharepoint.example/proces.vsdx"))
        run.do(PA, c.CompleteStep(step="3a"))
    elif step == "3b":
        run.do(VM1, c.AnswerCheck(agrees=True))
        run.do(VM2, c.AnswerCheck(agrees=True))
        run.do(KC, c.RecordKlantreis(method=KlantreisMethod.OTHER_FEEDBACK, findings="klachten"))
        run.do(KC, c.CompleteStep(step="4"))
    elif step == "5":
        run.do(PA, c.ChooseServiceformule(formule="flitsformule"))
        for p in TEMPLATE.ps:
            run.do(PA, c.AssessP(p=p.id, matches=True))
    elif step == "6":
        run.do(VM1, c.AddImprovement(text="Digitaal aanvragen"))
        run.do(PL, c.ClassifyImprovement(improvement_id="v1", horizon=Horizon.QUICK_WIN))
        run.do(PL, c.SelectImprovement(improvement_id="v1", selected=True))
        run.do(PL, c.CompleteStep(step="6"))
    elif step == "7":
        run.do(IV, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD))
        run.do(PO, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD))
    elif step == "8":
        run.do(PL, c.FinalisePlan())
        for approver in (PE, TM1, TM2):
            run.do(approver, c.DecidePlan(decision=Decision.APPROVE))
    elif step == "9":
        run.do(PE, c.SetPriorities(order=[c.Priority(improvement_id="v1", owner=TM1)]))
        run.do(PE, c.DecidePriorities(decision=Decision.APPROVE))
    elif step == "10":
        run.do(TM1, c.UpdateImplementationItem(item_id="i1", status=ImplementationStatus.DONE))
        run.do(PE, c.CompleteStep(step="10"))
    if step == "5":
        run.do(PA, c.CompleteStep(step="5"))


def waiting_for_kpi_decision(count: int, *, prefix: str = "t") -> list[Trajectory]:
    """``count`` copies of a trajectory in step 2 whose KPIs wait for the proceseigenaar
    (for benchmarks and load tests that need many trajectories with an open task)."""
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    return [run.t.model_copy(update={"id": f"{prefix}-{n:05d}"}) for n in range(count)]


__all__ = ["SYSTEM", "Run", "to_step", "waiting_for_kpi_decision"]
