"""The `weframe` command: check, rewrite, serve, scenarios, rehearse (see API.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from app import jsonio
from app.engine import Analysis, InputError, get_analyzer
from app.loader import DataError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """Bad input from the command line: one clear line on stderr, exit status 2."""


def _read_text(value: str) -> str:
    if value != "-":
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            raise CliError("the text is not valid UTF-8")
        return value
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"standard input is not valid UTF-8 (byte {exc.start})") from exc


def _analyze(text: str) -> Analysis:
    try:
        return get_analyzer().analyze(text)
    except InputError as exc:
        raise CliError(str(exc)) from exc


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def format_findings(analysis: Analysis, out: TextIO) -> None:
    """Linter-style lines: line:col  severity  category  rule  "excerpt"  message, then a suggestion."""
    for finding in analysis.findings:
        line, col = _line_col(analysis.text, finding.start)
        out.write(
            f"{line}:{col}: {finding.severity} {finding.category} [{finding.rule}] "
            f'"{finding.excerpt}": {finding.message}\n'
        )
        out.write(f"    try: {finding.suggestion}\n")
        for alternative in finding.alternatives:
            out.write(f"    or:  {alternative}\n")
    if analysis.safety is not None:
        out.write(f"safety ({analysis.safety.level}): {analysis.safety.message}\n")
        for resource in analysis.safety.resources:
            out.write(f"    {resource.name}: {resource.contact}\n")
    if analysis.rewrite:
        out.write(f"rewrite: {analysis.rewrite}\n")
    if not analysis.findings and analysis.safety is None:
        out.write("No problems found.\n")


def run_check(text_arg: str, fmt: str) -> int:
    if fmt == "jsonl":
        return run_jsonl(text_arg)
    analysis = _analyze(_read_text(text_arg))
    if fmt == "json":
        sys.stdout.write(jsonio.dumps_str(analysis.to_dict()) + "\n")
    else:
        format_findings(analysis, sys.stdout)
    return EXIT_FINDINGS if analysis.findings else EXIT_OK


def _jsonl_line(raw: bytes, analyzer: Any) -> tuple[dict[str, Any], bool]:
    """One answer for one input line, and whether it was an error."""
    try:
        item = jsonio.loads(raw)
    except UnicodeDecodeError:
        return {"id": None, "error": "line is not valid UTF-8"}, True
    except ValueError:
        return {"id": None, "error": "line is not valid JSON"}, True
    if not isinstance(item, dict):
        return {"id": None, "error": 'line must be a JSON object with a "text" field'}, True
    ident = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return {"id": ident, "error": '"text" must be a string'}, True
    try:
        analysis = analyzer.analyze(text)
    except InputError as exc:
        return {"id": ident, "error": str(exc)}, True
    answer = {k: v for k, v in item.items() if k != "text"}
    answer.update(analysis.to_dict())
    return answer, False


def run_jsonl(source: str) -> int:
    if source != "-":
        raise CliError("--format jsonl reads JSON lines from standard input: pass '-' as TEXT")
    analyzer = get_analyzer()
    failed = False
    write = sys.stdout.buffer.write
    dumps = jsonio.dumps
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        answer, error = _jsonl_line(raw, analyzer)
        failed = failed or error
        write(dumps(answer) + b"\n")
    sys.stdout.buffer.flush()
    return EXIT_USAGE if failed else EXIT_OK


def run_rewrite(text_arg: str) -> int:
    analysis = _analyze(_read_text(text_arg))
    sys.stdout.write((analysis.rewrite or analysis.text) + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="weframe", description="Say it so it can be heard.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    check = sub.add_parser("check", help="check a line or a draft")
    check.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    check.add_argument("text", help="the text, or - for standard input")
    rewrite = sub.add_parser("rewrite", help="print the I/we rewrite of a draft")
    rewrite.add_argument("text", help="the text, or - for standard input")
    sub.add_parser("scenarios", help="list the rehearsal scenarios")
    rehearse = sub.add_parser("rehearse", help="rehearse the conversation in the terminal")
    rehearse.add_argument("--scenario", default=None)
    rehearse.add_argument("--seed", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args.text, args.format)
        if args.command == "rewrite":
            return run_rewrite(args.text)
        if args.command == "serve":
            from app.web.server import serve

            return serve(args.host, args.port)
        if args.command == "scenarios":
            from app.dialogue.terminal import list_scenarios

            return list_scenarios(sys.stdout)
        if args.command == "rehearse":
            from app.dialogue.terminal import rehearse

            return rehearse(args.scenario, args.seed, sys.stdin, sys.stdout)
    except CliError as exc:
        sys.stderr.write(f"weframe: {exc}\n")
        return EXIT_USAGE
    except DataError as exc:
        sys.stderr.write(f"weframe: bad data file: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`weframe check --format jsonl - | head`): stop quietly, as
        # other filters do, with stdout pointed at nothing so Python's final flush of the
        # buffered rest cannot fail again on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a filter cut short
    return EXIT_USAGE
