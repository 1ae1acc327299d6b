"""The trajectory's dossier as a Word document: what a project leader brings to the DT or the
college. A pure function of the trajectory (no I/O): KPIs, process maps, klantreis, the 6P
assessment, the improvement plan with the specialists' verdicts, the implementation plan, the
evaluation and the audit trail, in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentType

from cards import journey
from cards.catalogue import Language, text
from cards.formats import format_date, format_datetime, format_number
from cards.status import step_label
from wasstraat.model import AuditEntry, Horizon, Trajectory, quadrant
from wasstraat.template import PROJECT_LEADER, Template

SECTIONS = (
    "kpis",
    "process",
    "klantreis",
    "assessment",
    "plan",
    "implementation",
    "evaluation",
    "audit",
)


class _Writer:
    def __init__(self, language: Language, zone: ZoneInfo) -> None:
        self.language = language
        self.zone = zone
        self.doc: DocumentType = Document()

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    def when(self, moment: datetime | None) -> str:
        return "–" if moment is None else format_datetime(moment, self.language, self.zone)

    def day(self, value: date | datetime | None) -> str:
        return "–" if value is None else format_date(value, self.language, self.zone)

    def number(self, value: float | None) -> str:
        return "–" if value is None else format_number(value, self.language)

    def heading(self, key: str) -> None:
        self.doc.add_heading(self.t(f"dossier.{key}"), level=1)

    def line(self, value: str) -> None:
        self.doc.add_paragraph(value)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        if not rows:
            self.line(self.t("dossier.none"))
            return
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Light Grid Accent 1"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = self.t(f"dossier.col.{header}")
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value


def dossier(
    trajectory: Trajectory,
    *,
    history: Sequence[AuditEntry],
    template: Template,
    language: Language,
    zone: ZoneInfo,
) -> bytes:
    """The .docx bytes of the trajectory's dossier; ``history`` is its audit trail."""
    t = trajectory
    w = _Writer(language, zone)
    names = {p.aad_object_id: p.name for p in t.members()}
    names["system"] = "Wasstraat"

    w.doc.add_heading(w.t("dossier.title", product=t.product), level=0)
    w.line(w.t(f"dossier.status.{t.status.value}"))
    leaders = ", ".join(p.name for p in t.holders(PROJECT_LEADER))
    w.line(w.t("dossier.started", date=w.day(t.created_at), leader=leaders))
    group = [
        (template.role(role).name.get(language), ", ".join(p.name for p in people))
        for role, people in t.roles.items()
        if people and any(r.id == role for r in template.roles)
    ]
    w.table(["role", "people"], group)

    w.heading("kpis")
    w.table(
        ["kpi", "unit", "baseline", "target", "measured"],
        [
            (
                k.name,
                k.unit,
                w.number(k.baseline),
                w.number(k.target),
                w.number(k.measurements[-1].value) if k.measurements else "–",
            )
            for k in t.kpis
        ],
    )

    w.heading("process")
    for link in t.process_maps:
        w.line(link)
    if not t.process_maps:
        w.line(w.t("dossier.none"))
    check = t.check
    if check.sent_at is not None:
        agree = sum(1 for a in check.answers.values() if a.agrees)
        w.line(w.t("dossier.check", agree=agree, disagree=len(check.answers) - agree))
        for answer in check.answers.values():
            if answer.remark:
                w.line(f"{answer.by.name}: {answer.remark}")

    w.heading("klantreis")
    if t.klantreis is None:
        w.line(w.t("dossier.none"))
    else:
        w.line(w.t(f"method.{t.klantreis.method.value}"))
        if t.klantreis.link:
            w.line(t.klantreis.link)
        if t.klantreis.findings:
            w.line(t.klantreis.findings)
        for point in t.klantreis.pain_points:
            w.line(f"– {point}")
        moments = t.klantreis.contact_moments
        if moments and template.contact_moments:  # the hartslag, moment by moment
            w.doc.add_heading(w.t("journey.title"), level=2)
            w.line(journey.line(moments, language))
            w.table(
                ["phase", "channel", "feels_now", "feels_desired", "note"],
                [
                    (
                        m.phase or "–",
                        journey.channel_name(template, m.channel, language),
                        w.t(f"journey.feeling.{m.current.value}"),
                        w.t(f"journey.feeling.{m.desired.value}") if m.desired else "–",
                        m.note,
                    )
                    for m in moments
                ],
            )

    w.heading("assessment")
    if t.serviceformule:
        formule = next((f for f in template.serviceformules if f.id == t.serviceformule), None)
        w.line(formule.name.get(language) if formule else t.serviceformule)
    w.table(
        ["p", "matches", "note"],
        [
            (
                p.name.get(language),
                w.t("dossier.yes") if t.assessment[p.id].matches else w.t("dossier.no"),
                t.assessment[p.id].note,
            )
            for p in template.ps
            if p.id in t.assessment
        ],
    )

    w.heading("plan")
    for horizon in Horizon:
        chosen = [i for i in t.improvements if i.selected and i.horizon is horizon]
        w.doc.add_heading(w.t(f"horizon.{horizon.value}"), level=2)
        w.table(
            ["improvement", "pick", "verdicts", "priority"],
            [
                (
                    i.text,
                    w.t(f"pick.quadrant.{where.value}") if (where := quadrant(i)) else "–",
                    "; ".join(
                        f"{r.by.name}: {w.t(f'verdict.{r.verdict.value}')}"
                        + (f" ({r.remark})" if r.remark else "")
                        for r in i.reviews
                        if r.revision == i.revision
                    ),
                    str(i.priority) if i.priority else "–",
                )
                for i in chosen
            ],
        )

    w.heading("implementation")
    w.table(
        ["item", "owner", "done_by", "progress"],
        [
            (
                item.text,
                item.owner.name if item.owner else "–",
                w.day(item.target_date),
                w.t(f"item.{item.status.value}"),
            )
            for item in t.implementation
        ],
    )

    w.heading("evaluation")
    evaluation = t.evaluation
    if evaluation.planned_on is not None:
        w.line(w.t("dossier.evaluation_planned", date=w.day(evaluation.planned_on)))
    if evaluation.recorded_at is None:
        w.line(w.t("dossier.evaluation_open"))
    else:
        w.line(w.t("dossier.evaluation_recorded", date=w.when(evaluation.recorded_at)))
        if evaluation.went_well:
            w.line(f"{w.t('form.evaluation.went_well')} {evaluation.went_well}")
        if evaluation.could_be_better:
            w.line(f"{w.t('form.evaluation.better')} {evaluation.could_be_better}")

    w.heading("audit")
    w.table(
        ["when", "who", "what"],
        [
            (
                w.when(entry.at),
                names.get(entry.actor, "–"),
                entry.action
                + (
                    f" ({step_label(template, str(entry.detail['step']), language)})"
                    if isinstance(entry.detail.get("step"), str)
                    and any(s.id == entry.detail["step"] for s in template.steps)
                    else ""
                ),
            )
            for entry in history
        ],
    )
    out = io.BytesIO()
    w.doc.save(out)
    return out.getvalue()
