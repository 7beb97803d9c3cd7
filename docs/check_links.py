"""Check the relative links of the book and the README: every linked .md file exists, and every
#anchor names a heading of its target (mdBook's heading ids). mdBook itself does not fail on a
link to a missing chapter or heading. Run from anywhere: python3 docs/check_links.py
"""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def heading_id(text: str) -> str:
    """mdBook's id for a heading: the text without markup, lowercased, spaces to '-', other
    characters than letters, digits, '-' and '_' dropped."""
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    out = []
    for c in text.strip().lower():
        if c.isalnum() or c in "-_":
            out.append(c)
        elif c.isspace():
            out.append("-")
    return "".join(out)


def anchors(path: pathlib.Path) -> set[str]:
    ids: dict[str, int] = {}
    result = set()
    fenced = False
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m:
            base = heading_id(m.group(1))
            n = ids.get(base, 0)
            ids[base] = n + 1
            result.add(base if n == 0 else f"{base}-{n}")
    return result


def links(path: pathlib.Path):
    fenced = False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            yield number, target


def main() -> int:
    files = [ROOT / "README.md", *sorted((ROOT / "docs" / "src").glob("*.md"))]
    problems = []
    for path in files:
        for number, target in links(path):
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}:{number}"
            if not dest.exists():
                problems.append(f"{where}: {target}: no such file")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{where}: {target}: no heading with id '{anchor}'")
    for p in problems:
        print(p)
    print(f"links: {len(files)} files checked, {len(problems)} broken")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
