"""The generated part of docs/reference/cli.md: every subcommand and option, from the parser.

``python -m tests.docs.cli_reference`` rewrites the part between the markers
after a change to the command line; ``test_cli_reference.py`` fails while the
page and the parser disagree.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from tests.docs.pages import DOCS

from salescore.cli import build_parser

PAGE = DOCS / "reference" / "cli.md"
BEGIN = "<!-- generated from salescore.cli.build_parser(): do not edit by hand -->"
END = "<!-- end of the generated part -->"


def _subcommands(
    parser: argparse.ArgumentParser, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), helps.get(name, ""), sub
                yield from _subcommands(sub, (*path, name))


def _argument(action: argparse.Action) -> str:
    if action.option_strings:
        name = ", ".join(action.option_strings)
        if action.nargs != 0:
            name += " " + str(action.metavar or action.dest.upper())
    else:
        name = str(action.metavar or action.dest)
    parts = [action.help or ""]
    if action.choices is not None:
        parts.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
    has_default = action.option_strings and action.default not in (None, False)
    if has_default and action.nargs != 0 and "default" not in (action.help or ""):
        parts.append(f"default `{action.default}`")
    return f"`{name}`\n: " + "; ".join(p for p in parts if p)


def _arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
    ]


def render() -> str:
    """The generated Markdown: one section per subcommand, with its usage and arguments."""
    parser = build_parser()
    out = [BEGIN, ""]
    for path, help_, sub in _subcommands(parser, ("salescore",)):
        out.append(f"### `{' '.join(path)}`")
        out.append("")
        if help_:
            out.append(help_[:1].upper() + help_[1:] + ".")
            out.append("")
        out.append("```text")
        out.append(" ".join(sub.format_usage().split())[len("usage: ") :])
        out.append("```")
        out.append("")
        arguments = _arguments(sub)
        if arguments:
            out.extend(_argument(a) + "\n" for a in arguments)
    out.append(END)
    return "\n".join(out) + "\n"


def current() -> str:
    """The generated part as it stands in the page."""
    text = PAGE.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end] + "\n"


def update() -> None:
    text = PAGE.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END) + 1
    PAGE.write_text(text[:start] + render() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    update()
