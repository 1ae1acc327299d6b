"""A Mermaid flowchart of a template: steps, dependencies and how each step is done."""

from __future__ import annotations

from wasstraat.template import Approval, Check, Evaluation, FinishedBy, Reviews, Step, Template


def _rule(template: Template, step: Step, language: str) -> str:
    def names(roles: tuple[str, ...], joiner: str) -> str:
        return joiner.join(template.role(r).name.get(language) for r in roles)

    kind = step.kind
    if isinstance(kind, FinishedBy):
        return f"afgerond door {names(kind.by[:1], '')}"
    if isinstance(kind, Approval):
        return f"akkoord van {names(kind.approvers, ' + ' if kind.rule == 'all' else ' of ')}"
    if isinstance(kind, Check):
        return "alle checks binnen of deadline"
    if isinstance(kind, Reviews):
        return "alle toetsen binnen"
    assert isinstance(kind, Evaluation)
    return "evaluatie vastgelegd"


def mermaid(template: Template, language: str = "nl") -> str:
    lines = ["flowchart TD"]
    for step in template.steps:
        name = step.name.get(language)
        title = f"{step.id}. {name}" if step.id[0].isdigit() else name
        lines.append(f'    s{step.id}["{title}<br/><i>{_rule(template, step, language)}</i>"]')
    for step in template.steps:
        for dependency in step.depends_on:
            lines.append(f"    s{dependency} --> s{step.id}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from wasstraat.template import default_template

    print(mermaid(default_template()), end="")
