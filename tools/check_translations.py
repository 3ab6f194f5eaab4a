# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every translation of an addon complete and in step with its template.

    python tools/check_translations.py collection_queues collection_queues_sale

For each addon given (a folder of the repository, by default every one with an
i18n/<addon>.pot), each i18n/<lang>.po must translate every msgid of
i18n/<addon>.pot, keep the placeholders of each (%(name)s, %s, {{ ... }}, QWeb's
t-* attributes), and hold no fuzzy entry, no obsolete (#~) entry and no msgid
the template no longer has. Lists what is wrong, file by file, and exits 1; the
fix is to merge the template in and translate what is new:

    msgmerge --update --no-fuzzy-matching <addon>/i18n/fr.po <addon>/i18n/<addon>.pot
"""

import argparse
import collections
import re
import sys
from pathlib import Path

import polib

REPO_ROOT = Path(__file__).resolve().parent.parent
# What a translation must carry over unchanged: printf-style placeholders, inline
# template expressions and QWeb's attributes (t-out, t-if, t-foreach...).
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]"
    r"|%[sdifr]"
    r"|\{\{.*?\}\}"
    r"|\bt-[a-z-]+=\"[^\"]*\"",
    re.DOTALL,
)


def placeholders(text):
    return collections.Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def short(text, width=90):
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def key(entry):
    return (entry.msgctxt, entry.msgid)


def check_po(po_path, pot_entries):
    """The problems of one .po against its template's entries, as lines."""
    try:
        po = polib.pofile(str(po_path))
    except (OSError, ValueError) as error:
        return [f"unreadable: {error}"], 0
    problems = []
    active = {}
    for entry in po:
        if entry.obsolete:
            problems.append(f"obsolete: {short(entry.msgid)}")
            continue
        active[key(entry)] = entry
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {short(entry.msgid)}")
        if key(entry) not in pot_entries:
            problems.append(f"not in the template: {short(entry.msgid)}")
    translated = 0
    for entry_key, template in pot_entries.items():
        entry = active.get(entry_key)
        if entry is None:
            problems.append(f"missing: {short(template.msgid)}")
            continue
        msgstrs = (
            list(entry.msgstr_plural.values())
            if template.msgid_plural
            else [entry.msgstr]
        )
        if not all(msgstrs):
            problems.append(f"untranslated: {short(template.msgid)}")
            continue
        expected = placeholders(template.msgid)
        wrong = [msgstr for msgstr in msgstrs if placeholders(msgstr) != expected]
        if wrong:
            lost = sorted((expected - placeholders(wrong[0])).elements())
            added = sorted((placeholders(wrong[0]) - expected).elements())
            problems.append(
                f"placeholders differ: {short(template.msgid)}"
                + (f" (lost {', '.join(lost)})" if lost else "")
                + (f" (added {', '.join(added)})" if added else "")
            )
            continue
        if "fuzzy" not in entry.flags:
            translated += 1
    return problems, translated


def check_addon(addon_dir):
    """Print the state of each translation of the addon; True when all are right."""
    i18n = addon_dir / "i18n"
    pot_path = i18n / f"{addon_dir.name}.pot"
    if not pot_path.is_file():
        print(
            f"{pot_path}: no translation template (run tools/makepot.sh)",
            file=sys.stderr,
        )
        return False
    pot_entries = {
        key(entry): entry for entry in polib.pofile(str(pot_path)) if not entry.obsolete
    }
    ok = True
    po_paths = sorted(i18n.glob("*.po"))
    if not po_paths:
        print(f"{addon_dir.name}: no translation")
    for po_path in po_paths:
        problems, translated = check_po(po_path, pot_entries)
        shown = po_path.relative_to(addon_dir.parent)
        if problems:
            ok = False
            print(f"{shown}: {len(problems)} problem(s)", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
        else:
            print(f"{shown}: {translated}/{len(pot_entries)} translated")
    return ok


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "addons", nargs="*", help="addon folders (default: every addon with a .pot)"
    )
    args = parser.parse_args()
    addons = [Path(addon) for addon in args.addons] or sorted(
        pot.parent.parent for pot in REPO_ROOT.glob("*/i18n/*.pot")
    )
    results = [
        check_addon(addon if addon.is_absolute() else REPO_ROOT / addon)
        for addon in addons
    ]
    if not all(results):
        print(
            "Translations out of step with their template: merge it in "
            "(msgmerge --update --no-fuzzy-matching <addon>/i18n/<lang>.po "
            "<addon>/i18n/<addon>.pot) and translate what is listed.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
