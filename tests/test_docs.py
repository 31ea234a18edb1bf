"""The documentation stays true: the README is a newcomer's page whose settings exist and are all there, every link
in the README and docs/ resolves, every command of `wso` is documented, and CI runs the README's commands."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from wso.cli.main import SUBCOMMANDS, app, load
from wso.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
# a Markdown link or image: [text](target) or ![alt](target), outside code
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """`text` without its code blocks and inline code, where brackets are not links."""
    return re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", text, flags=re.DOTALL))


def anchors(path: Path) -> set[str]:
    """The anchors GitHub makes of a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", heading).replace(" ", "-"))
    return found


def test_the_readme_is_a_newcomers_page() -> None:
    lines = README.count("\n")
    assert lines <= 250, f"the README has {lines} lines; the reference belongs in docs/"
    shots = re.findall(r"!\[[^\]]+\]\((docs/img/[^)]+\.png)\)", README)
    assert 2 <= len(shots) <= 3 and all((ROOT / shot).is_file() for shot in shots)
    assert sorted(p.name for p in (ROOT / "docs" / "img").glob("*.png")) == sorted(Path(s).name for s in shots)
    assert (ROOT / "scripts" / "screenshots.py").is_file() and "scripts/screenshots.py" in README


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [f"WSO_{name.upper()}" for name in Settings.model_fields if f"`WSO_{name.upper()}`" not in README]
    assert missing == [], f"settings missing from the README's settings table: {missing}"


def test_every_setting_in_the_readme_exists() -> None:
    table = [line for line in README.splitlines() if line.startswith("| `WSO_")]
    named = [re.match(r"\| `WSO_([A-Z_]+)`", line).group(1).lower() for line in table]  # type: ignore[union-attr]
    assert named, "no settings table in the README"
    assert [name for name in named if name not in Settings.model_fields] == []
    assert len(named) == len(set(named))


def test_every_link_in_the_readme_and_docs_resolves() -> None:
    broken = []
    for page in PAGES:
        for target in LINK.findall(prose(page.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target):  # https:, mailto:: not followed (no network in tests)
                continue
            path_part, _, anchor = target.partition("#")
            resolved = (page.parent / path_part).resolve() if path_part else page
            if not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []


def test_the_link_check_finds_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# A title\n\n[ok](#a-title) [bad](#no-title) [gone](gone.md) `[code](not-a-link.md)`\n")
    targets = LINK.findall(prose(page.read_text()))
    assert targets == ["#a-title", "#no-title", "gone.md"]
    assert anchors(page) == {"a-title"}


def commands() -> list[str]:
    """Every command of `wso`, as typed: 'wso registry ingest', 'wso serve', ..."""
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    found: list[str] = []

    def walk(command: object, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append("wso " + " ".join(path))

    for name in root.list_commands(None):  # type: ignore[arg-type]
        walk(load(name) if name in SUBCOMMANDS else root.get_command(None, name), [name])  # type: ignore[arg-type]
    return found


def test_every_command_is_documented() -> None:
    text = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    listed = commands()
    assert len(listed) > 30 and "wso registry ingest" in listed
    assert [command for command in listed if command not in text] == []


def test_ci_runs_the_readmes_test_command() -> None:
    assert "./scripts/test" in README
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_main_command_exists() -> None:
    assert "./scripts/run" in README
    assert (ROOT / "scripts" / "run").exists()


COMMANDS_START = "<!-- commands: generated by `wso custody commands --markdown` -->\n"
COMMANDS_END = "<!-- end of commands -->"


def test_the_custody_command_reference_is_the_catalogues() -> None:
    """docs/custody.md's command table is what the catalogue generates: a command, field or role changed in the
    catalogue and not in the docs fails here (regenerate with `wso custody commands --markdown`)."""
    from wso.custody.catalogue import CATALOGUE, markdown

    text = (ROOT / "docs" / "custody.md").read_text(encoding="utf-8")
    assert COMMANDS_START in text and COMMANDS_END in text
    shown = text.split(COMMANDS_START, 1)[1].split(COMMANDS_END, 1)[0]
    assert shown == markdown(), "docs/custody.md's command table differs: paste `wso custody commands --markdown`"
    assert all(f"| `{name}` |" in shown for name in CATALOGUE)
