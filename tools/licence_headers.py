"""The licence line every Python file of the addons starts with (OCA style).

python tools/licence_headers.py          check: list the files without it, exit 1
python tools/licence_headers.py --fix    add it where it is missing
"""

import sys
from pathlib import Path

HEADER = "# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).\n"
ADDONS = (
    "collection_queues",
    "collection_queues_sale",
    "collection_queues_fieldservice",
    "collection_queues_helpdesk",
    "collection_queues_repair",
    "collection_queues_queue_job",
)


def missing(root):
    for addon in ADDONS:
        for path in sorted((root / addon).rglob("*.py")):
            if HEADER not in path.read_text(encoding="utf-8").splitlines(True)[:2]:
                yield path


def main(argv):
    root = Path(__file__).resolve().parent.parent
    paths = list(missing(root))
    if "--fix" in argv:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            path.write_text(HEADER + text, encoding="utf-8")
        return 0
    for path in paths:
        print(f"{path.relative_to(root)}: no licence line ({HEADER.strip()})")
    return 1 if paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
