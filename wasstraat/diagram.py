"""A Mermaid flowchart of a template: steps, dependencies and how each step is done."""

from __future__ import annotations

from wasstraat.template import Template


def mermaid(template: Template, language: str = "nl") -> str:
    lines = ["flowchart TD"]
    for step in template.steps:
        name = step.name.get(language)
        title = f"{step.id}. {name}" if step.id[0].isdigit() else name
        lines.append(
            f'    s{step.id}["{title}<br/><i>{step.kind.diagram(template, language)}</i>"]'
        )
    for step in template.steps:
        for dependency in step.depends_on:
            lines.append(f"    s{dependency} --> s{step.id}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from wasstraat.template import default_template

    print(mermaid(default_template()), end="")
