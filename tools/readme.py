"""README.rst of each addon, generated from its readme/ fragments (OCA layout).

    python tools/readme.py            write every addon's README.rst
    python tools/readme.py --check    exit 1 when one is not up to date

The fragments are Markdown of a plain kind: paragraphs, ``##``/``###`` headings,
``-`` lists (continuation lines indented by two spaces), ``1.`` lists (by three),
inline code, bold, italics, ``[text](url)`` links and ``![alt](path)`` images on a
line of their own; each becomes a section of the README, in OCA's order.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = (
    "collection_queues",
    "collection_queues_sale",
    "collection_queues_fieldservice",
    "collection_queues_helpdesk",
    "collection_queues_repair",
    "collection_queues_queue_job",
)

# (fragment, section title), in the order of OCA's readme generator.
SECTIONS = [
    ("DESCRIPTION.md", None),  # the introduction, before the contents
    ("CONTEXT.md", "Use Cases / Context"),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("DEVELOP.md", "For integrators"),
    ("DESIGN.md", "Choices made where the specification is silent"),
    ("ROADMAP.md", "Known issues / Roadmap"),
]
UNDERLINES = {1: "=", 2: "-", 3: "~"}  # section levels, below the title


def inline(text):
    """Markdown inline markup as reStructuredText."""
    text = re.sub(r"`([^`]+)`", r"``\1``", text)
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`__", text)


def heading(title, level):
    return [title, UNDERLINES[level] * len(title), ""]


def convert(markdown, level):
    """The fragment's lines as RST; its ``##`` headings at ``level`` + 1."""
    lines = []
    # Images on lines of their own, e.g. screenshots of static/description.
    markdown = re.sub(
        r"^!\[([^\]]*)\]\(([^)]+)\)$",
        r".. image:: \2\n   :alt: \1",
        markdown,
        flags=re.MULTILINE,
    )
    # Inline markup first, on the whole text: inline code may span two lines.
    for line in inline(markdown.strip()).splitlines():
        match = re.match(r"^(#+) (.*)$", line)
        if match:
            if lines and lines[-1] != "":
                lines.append("")
            lines += heading(match.group(2), level + len(match.group(1)) - 1)
        elif line.startswith("- "):
            lines.append("* " + line[2:])
        elif line or (lines and lines[-1]):
            lines.append(line)
    return [*lines, ""]


def readme(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text())
    fragments = addon_dir / "readme"
    title = manifest["name"]
    lines = ["=" * len(title), title, "=" * len(title), ""]
    lines += [
        f"**{manifest['summary']}**",
        "",
        f"Version {manifest['version']}, licence {manifest['license']}, "
        f"for Odoo {manifest['version'][:4]} (depends on "
        f"{', '.join(manifest['depends'])}).",
        "",
    ]
    for name, section in SECTIONS:
        path = fragments / name
        if not path.exists():
            continue
        if section is None:
            lines += convert(path.read_text(), 0)
            lines += [".. contents::", "   :local:", ""]
        else:
            lines += heading(section, 1)
            lines += convert(path.read_text(), 1)
    lines += heading("Credits", 1)
    lines += heading("Authors", 2)
    lines += [f"* {manifest['author']}", ""]
    contributors = fragments / "CONTRIBUTORS.md"
    if contributors.exists():
        lines += heading("Contributors", 2)
        lines += convert(contributors.read_text(), 2)
    return "\n".join(lines).rstrip() + "\n"


def rst_problems(text):
    """What docutils says of the text: warnings and worse."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import Reporter, new_document

    settings = get_default_settings(Parser)
    settings.report_level, settings.halt_level = 5, 5
    document = new_document("README.rst", settings)
    problems = []
    document.reporter.attach_observer(
        lambda message: problems.append(message.astext())
        if message["level"] >= Reporter.WARNING_LEVEL
        else None
    )
    Parser().parse(text, document)
    return problems


def main(argv):
    status = 0
    for addon in ADDONS:
        addon_dir = ROOT / addon
        text = readme(addon_dir)
        problems = rst_problems(text)
        for problem in problems:
            print(f"{addon}/README.rst: {problem}")
            status = 1
        target = addon_dir / "README.rst"
        if "--check" in argv:
            if not target.exists() or target.read_text() != text:
                print(f"{target.relative_to(ROOT)} is not up to date with readme/")
                status = 1
        else:
            target.write_text(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
