"""Versions of the injection rules (safety/patterns.py), from the command line.

    manage.py injection_patterns list
    manage.py injection_patterns show VERSION
    manage.py injection_patterns propose FILE --author NAME [--note TEXT]
    manage.py injection_patterns evaluate VERSION
    manage.py injection_patterns activate VERSION --actor NAME
    manage.py injection_patterns seed

FILE is JSON in the shipped file's shape ({"patterns": [...]}) or a bare list.
`activate` refuses a version whose evaluation did not pass; `evaluate` runs
the gate (evals/pattern_gate.py) and prints its figures.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safety.models import InjectionPatternSet
from safety.patterns import (
    PatternSetError,
    pattern_set_activate,
    pattern_set_evaluate,
    pattern_set_propose,
    pattern_set_seed,
)


class Command(BaseCommand):
    help = "List, propose, evaluate and activate versions of the injection rules."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list")
        actions.add_parser("seed")
        show = actions.add_parser("show")
        show.add_argument("version", type=int)
        propose = actions.add_parser("propose")
        propose.add_argument("file", type=Path)
        propose.add_argument("--author", required=True)
        propose.add_argument("--note", default="")
        evaluate = actions.add_parser("evaluate")
        evaluate.add_argument("version", type=int)
        activate = actions.add_parser("activate")
        activate.add_argument("version", type=int)
        activate.add_argument("--actor", required=True)

    def _get(self, version: int) -> InjectionPatternSet:
        found = InjectionPatternSet.objects.filter(version=version).first()
        if found is None:
            raise CommandError(f"no injection rule set has version {version}")
        return found

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "list":
                for row in InjectionPatternSet.objects.order_by("version"):
                    passed = (row.evaluation or {}).get("passed")
                    verdict = "not evaluated" if passed is None else ("passed" if passed else "failed")
                    self.stdout.write(
                        f"v{row.version} {row.status:8s} {len(row.patterns):3d} rules, by {row.author}, "
                        f"{row.created_at:%Y-%m-%d %H:%M}, evaluation {verdict}"
                    )
            elif action == "show":
                row = self._get(options["version"])
                self.stdout.write(json.dumps({"patterns": row.patterns, "evaluation": row.evaluation}, indent=1))
            elif action == "propose":
                data = json.loads(options["file"].read_text(encoding="utf-8"))
                patterns = data["patterns"] if isinstance(data, dict) else data
                row = pattern_set_propose(patterns=patterns, author=options["author"], note=options["note"])
                self.stdout.write(f"v{row.version} ({row.status}), {len(row.patterns)} rules")
            elif action == "evaluate":
                evaluation = pattern_set_evaluate(pattern_set=self._get(options["version"]))
                self.stdout.write(json.dumps(evaluation, indent=1))
            elif action == "activate":
                row = pattern_set_activate(pattern_set=self._get(options["version"]), actor=options["actor"])
                self.stdout.write(f"v{row.version} is active")
            elif action == "seed":
                row = pattern_set_seed()
                self.stdout.write(f"the shipped rules are v{row.version} ({row.status})")
        except (PatternSetError, OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
