"""What the specialists said about an improvement, in words: the lines the plan's approvers and
the project leader revising the plan both read; and where a candidate came from."""

from __future__ import annotations

from cards.base import short
from cards.catalogue import Language, text
from wasstraat.model import Improvement, Origin, Review
from wasstraat.template import Template


def latest_reviews(improvement: Improvement) -> list[Review]:
    """The newest review per specialist and role."""
    latest: dict[tuple[str, str], Review] = {}
    for review in improvement.reviews:
        latest[(review.by.aad_object_id, review.role)] = review
    return list(latest.values())


def review_lines(improvement: Improvement, template: Template, language: Language) -> list[str]:
    """'Privacy officer (Pim): Akkoord onder voorwaarden – “… DPIA …”', one per review, with
    the estimates and whether it was given before the text last changed."""
    lines = []
    for review in latest_reviews(improvement):
        role = (
            template.role(review.role).name.get(language)
            if template.has_role(review.role)
            else review.role
        )
        line = text(
            "approval.review_line",
            language,
            role=role,
            name=review.by.name,
            verdict=text(f"verdict.{review.verdict.value}", language),
        )
        if review.remark:
            line += text("approval.review_remark", language, remark=short(review.remark))
        if review.cost_estimate or review.lead_time:
            line += text(
                "approval.review_estimates",
                language,
                cost=review.cost_estimate or "–",
                lead_time=review.lead_time or "–",
            )
        if review.revision < improvement.revision:
            line += text("approval.review_before_change", language)
        lines.append(line)
    return lines


def origin_line(improvement: Improvement, template: Template, language: Language) -> str:
    """Where a candidate came from: "idee van Vera", "uit de klantreis", "P Prijs past niet bij
    de formule", "uit de controle (Victor)", "voorwaarde uit de beoordeling (Ivo)"."""
    origin = improvement.origin
    if origin is Origin.P:
        p = next((p.name.get(language) for p in template.ps if p.id == improvement.p), None)
        return text("origin.p", language, p=p or improvement.p or "")
    return text(f"origin.{origin.value}", language, name=improvement.by.name)
