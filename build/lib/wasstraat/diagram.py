"""A Mermaid flowchart of the template: steps, dependencies and how each step is done."""

from __future__ import annotations

from wasstraat.template import Completion, Template

RULE_LABEL = {
    Completion.MARKED_DONE: "afgerond door {role}",
    Completion.APPROVAL: "akkoord van {approvers}",
    Completion.ALL_CHECKS_OR_DEADLINE: "alle checks binnen of deadline",
    Completion.ALL_REVIEWS: "alle toetsen binnen",
    Completion.EVALUATION_RECORDED: "evaluatie vastgelegd",
}


def mermaid(template: Template, language: str = "nl") -> str:
    lines = ["flowchart TD"]
    for step in template.steps:
        rule = RULE_LABEL[step.completion].format(
            role=template.role(step.responsible).name.get(language),
            approvers=" + ".join(template.role(r).name.get(language) for r in step.approvers),
        )
        name = step.name.get(language)
        title = f"{step.id}. {name}" if step.id[0].isdigit() else name
        lines.append(f'    s{step.id}["{title}<br/><i>{rule}</i>"]')
    for step in template.steps:
        for dependency in step.depends_on:
            lines.append(f"    s{dependency} --> s{step.id}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from wasstraat.template import default_template

    print(mermaid(default_template()), end="")
