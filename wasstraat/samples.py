"""A demo cast and trajectory driver: for examples, card exports, benchmarks and tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from wasstraat import commands as c
from wasstraat.engine import Outcome, apply, start_trajectory
from wasstraat.kinds import as_kind
from wasstraat.model import (
    SYSTEM,
    AuditEntry,
    Binding,
    ContactMoment,
    Decision,
    Feeling,
    Horizon,
    ImplementationStatus,
    KlantreisMethod,
    Kpi,
    Person,
    StepStatus,
    Trajectory,
    Verdict,
)
from wasstraat.template import (
    PROJECT_LEADER,
    Approval,
    FinishedBy,
    Requirement,
    Section,
    Step,
    Subject,
    Template,
    default_template,
)
from wasstraat.worktime import DEFAULT_POLICY, TimePolicy

TEMPLATE = default_template()
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CHANNEL = Binding(conversation_id="chan", tenant_id="tenant")


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
    """Drives one trajectory through commands, keeping every outcome. By default the demo cast
    plays it in a made-up channel; another cast (``project_leader`` and ``roles``), channel and
    time policy can be given, e.g. the people of a test client."""

    def __init__(
        self,
        now: datetime = T0,
        template: Template = TEMPLATE,
        *,
        project_leader: Person = PL,
        roles: Mapping[str, list[Person]] = ROLES,
        binding: Binding = CHANNEL,
        policy: TimePolicy = DEFAULT_POLICY,
    ) -> None:
        self.now = now
        self.template = template
        self.roles = roles
        self.policy = policy
        outcome = start_trajectory(
            trajectory_id="t1",
            product="Parkeervergunning",
            binding=binding,
            project_leader=project_leader,
            template=template,
            now=now,
            policy=policy,
        )
        self.t: Trajectory = outcome.trajectory
        self.outcomes: list[Outcome] = [outcome]

    def do(self, actor: Person, command: c.Command, *, after: timedelta = timedelta(hours=1)):
        self.now += after
        outcome = apply(self.t, command, actor, self.now, self.template, self.policy)
        self.t = outcome.trajectory
        self.outcomes.append(outcome)
        return outcome

    @property
    def audit(self) -> list[AuditEntry]:
        """The audit trail so far, as the audit table would hold it."""
        return [entry for outcome in self.outcomes for entry in outcome.audit]

    def last(self, action: str) -> AuditEntry | None:
        return next((e for e in reversed(self.audit) if e.action == action), None)

    def status(self, step: str) -> str:
        return self.t.status_of(step).value

    def assign_all(self) -> None:
        leader = self.t.holders(PROJECT_LEADER)[0]
        for role, people in self.roles.items():
            self.do(leader, c.AssignRole(role=role, people=people))


KPIS = [
    Kpi(name="Doorlooptijd", unit="dagen", baseline=10, target=3, how_measured="zaaksysteem"),
    Kpi(name="Klanttevredenheid", unit="cijfer", baseline=6.1, target=8, how_measured="enquête"),
]


def to_step(run: Run, step: str) -> None:
    """Drive the happy path until ``step`` is active: the cast assigned, then the earliest
    running step finished, again and again (a step running alongside, like the klantreis, is
    finished once the path has passed it)."""
    template = run.template
    if step == template.steps[0].id:
        return
    run.assign_all()
    order = {s.id: n for n, s in enumerate(template.steps)}
    for _ in range(4 * len(template.steps)):
        active = run.t.active_steps(template)
        earliest = min(active, key=order.__getitem__)
        if earliest == step or (step in active and order[earliest] > order[step]):
            return
        finish(run, earliest)
    raise ValueError(f"step {step} does not start on the happy path")


def _doer(run: Run, step: Step, section: Section) -> Person:
    """The first holder of the first role the step gives this part of its work."""
    return next(
        person
        for role, parts in step.may.items()
        if section in parts
        for person in run.t.holders(role)
    )


def _finish_by_role(run: Run, step: Step) -> None:
    kind = as_kind(step, FinishedBy)
    for role in kind.requires_support_from:
        run.do(run.t.holders(role)[0], c.ConfirmSupport())
    for requirement in kind.requires:
        _REQUIREMENTS[requirement](run, step)
    finisher = next(p for role in kind.by for p in run.t.holders(role))
    run.do(finisher, c.CompleteStep(step=step.id))


def _approve(run: Run, step: Step) -> None:
    kind = as_kind(step, Approval)
    if kind.subject is Subject.KPIS:
        run.do(_doer(run, step, Section.KPIS), c.ProposeKpis(kpis=KPIS))
    elif kind.subject is Subject.PLAN:
        run.do(_doer(run, step, Section.FINALISE), c.FinalisePlan())
    else:
        owner = run.t.holders("teammanager")[:1] or [PL]
        order = [c.Priority(improvement_id="v1", owner=owner[0])]
        run.do(_doer(run, step, Section.PRIORITIES), c.SetPriorities(order=order))
    decide = {
        Subject.KPIS: c.DecideKpis,
        Subject.PLAN: c.DecidePlan,
        Subject.PRIORITIES: c.DecidePriorities,
    }[kind.subject]
    for approver in [p for role in kind.approvers for p in run.t.holders(role)]:
        if run.t.status_of(step.id) is StepStatus.ACTIVE:
            run.do(approver, decide(decision=Decision.APPROVE))


def _answer_check(run: Run, step: Step) -> None:
    for role in run.template.kind_roles(step):
        for person in run.t.holders(role):
            run.do(person, c.AnswerCheck(agrees=True))


def _review(run: Run, step: Step) -> None:
    # a review in each reviewing role a person holds
    for role in run.template.kind_roles(step):
        for person in run.t.holders(role):
            if run.t.status_of(step.id) is StepStatus.ACTIVE:
                review = c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD, role=role)
                run.do(person, review)


def _evaluate(run: Run, step: Step) -> None:
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=200))
    recorder = _first(run, "proceseigenaar")
    run.do(recorder, c.RecordEvaluation(measurements={"Doorlooptijd": 4}))


# how the sample cast does what each kind of step of the default wasstraat asks
_FINISHERS: dict[str, Callable[[Run, Step], None]] = {
    "finished_by": _finish_by_role,
    "approval": _approve,
    "check": _answer_check,
    "reviews": _review,
    "evaluation": _evaluate,
}


def finish(run: Run, step_id: str) -> None:
    """Do what the running step's kind asks, as the cast holds the roles the template names."""
    step = run.template.step(step_id)
    _FINISHERS[step.kind.type](run, step)


def _first(run: Run, role: str) -> Person:
    """The first holder of ``role`` (the project leader when nobody holds it)."""
    return (run.t.holders(role) or run.t.holders(PROJECT_LEADER))[0]


def _process_map(run: Run, step: Step) -> None:
    run.do(
        _doer(run, step, Section.PROCESS_MAP),
        c.SetProcessMap(link="https://sharepoint.example/proces.vsdx"),
    )


def _klantreis(run: Run, step: Step) -> None:
    run.do(
        _doer(run, step, Section.KLANTREIS),
        c.RecordKlantreis(
            method=KlantreisMethod.OTHER_FEEDBACK,
            findings="klachten",
            # a journey felt well on the website, flat on the phone (neither asks for a change)
            contact_moments=[
                ContactMoment(
                    phase="Aanvragen",
                    channel="website",
                    current=Feeling.POSITIVE,
                    desired=Feeling.POSITIVE,
                ),
                ContactMoment(
                    phase="Vraag over de kosten",
                    channel="telefoon",
                    current=Feeling.NEUTRAL,
                    desired=Feeling.POSITIVE,
                ),
            ],
        ),
    )


def _serviceformule(run: Run, step: Step) -> None:
    run.do(_doer(run, step, Section.SERVICEFORMULE), c.ChooseServiceformule(formule="flitsformule"))


def _assessment(run: Run, step: Step) -> None:
    assessor = _doer(run, step, Section.ASSESS_P)
    for p in run.template.ps:
        run.do(assessor, c.AssessP(p=p.id, matches=True))


def _plan(run: Run, step: Step) -> None:
    planner = _doer(run, step, Section.PLAN)
    run.do(_first(run, "vakinhoudelijk_medewerker"), c.AddImprovement(text="Digitaal aanvragen"))
    run.do(planner, c.ClassifyImprovement(improvement_id="v1", horizon=Horizon.QUICK_WIN))
    run.do(planner, c.SelectImprovement(improvement_id="v1", selected=True))


def _implemented(run: Run, step: Step) -> None:
    for item in run.t.implementation:
        owner = item.owner or _first(run, "proceseigenaar")
        run.do(owner, c.UpdateImplementationItem(item_id=item.id, status=ImplementationStatus.DONE))


_REQUIREMENTS = {
    Requirement.PROCESS_MAP: _process_map,
    Requirement.KLANTREIS: _klantreis,
    Requirement.SERVICEFORMULE: _serviceformule,
    Requirement.P_ASSESSMENT: _assessment,
    Requirement.PLAN_READY: _plan,
    Requirement.IMPLEMENTATION_DONE: _implemented,
}


def waiting_for_kpi_decision(count: int, *, prefix: str = "t") -> list[Trajectory]:
    """``count`` copies of a trajectory in step 2 whose KPIs wait for the proceseigenaar
    (for benchmarks and load tests that need many trajectories with an open task)."""
    run = Run()
    kpis = run.template.approval_step(Subject.KPIS)
    assert kpis is not None
    to_step(run, kpis.id)
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    return [run.t.model_copy(update={"id": f"{prefix}-{n:05d}"}) for n in range(count)]


__all__ = ["SYSTEM", "Run", "finish", "to_step", "waiting_for_kpi_decision"]
