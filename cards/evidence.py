"""What the specialists said about an improvement, in words: the lines the plan's approvers and
the project leader revising the plan both read; and where a candidate came from."""

from __future__ import annotations

from cards.base import short
from cards.catalogue import Language, text
from wasstraat.model import Improvement, Origin, Review, Verdict
from wasstraat.template import Template


def latest_reviews(improvement: Improvement) -> list[Review]:
    """The newest review per specialist and role."""
    latest: dict[tuple[str, str], Review] = {}
    for review in improvement.reviews:
        latest[(review.by.aad_object_id, review.role)] = review
    return list(latest.values())


def review_lines(improvement: Improvement, template: Template, language: Language) -> list[str]:
    """What the specialists said, without repeating "akkoord": with more than one review, first
    how many agree ("5 van 6 beoordelingen akkoord"), then a line only for a review that says
    more ('Privacy officer (Pim): Akkoord onder voorwaarden – “… DPIA …”': a condition, a "niet
    akkoord", a remark, estimates, or one given before the text last changed)."""
    reviews = latest_reviews(improvement)
    telling = [r for r in reviews if _says_more(r, improvement)]
    lines = []
    if len(reviews) > 1:
        agree = sum(1 for r in reviews if r.verdict is Verdict.AKKOORD)
        lines.append(text("approval.reviews_agree", language, count=len(reviews), agree=agree))
    else:
        telling = reviews  # one review: who gave it, whatever it says
    return lines + [_review_line(r, improvement, template, language) for r in telling]


def _says_more(review: Review, improvement: Improvement) -> bool:
    return (
        review.verdict is not Verdict.AKKOORD
        or bool(review.remark)
        or bool(review.cost_estimate or review.lead_time)
        or review.revision < improvement.revision
    )


def _review_line(
    review: Review, improvement: Improvement, template: Template, language: Language
) -> str:
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
    return line


def origin_line(improvement: Improvement, template: Template, language: Language) -> str:
    """Where a candidate came from: "idee van Vera", "uit de klantreis", "P Prijs past niet bij
    de formule", "uit de controle (Victor)", "voorwaarde uit de beoordeling (Ivo)"."""
    origin = improvement.origin
    if origin is Origin.P:
        p = next((p.name.get(language) for p in template.ps if p.id == improvement.p), None)
        return text("origin.p", language, p=p or improvement.p or "")
    if origin is Origin.KLANTREIS and improvement.channel:
        channel = template.channel(improvement.channel)
        where = channel.name.get(language).lower() if channel else improvement.channel
        return text("origin.klantreis_at", language, channel=where, name=improvement.by.name)
    return text(f"origin.{origin.value}", language, name=improvement.by.name)
