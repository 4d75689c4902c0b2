"""Golden tests on a new version, with the diff of outputs.

prompts' golden run (on submit) says pass or fail: whether each golden
test's new output still validates. A prompt engineer also wants to see
*what changed*: each golden test is run again on the new version as an
ordinary captured playground run, and its output is compared with the
golden one leaf by leaf.
"""

from dataclasses import dataclass
from typing import Any

from common.errors import DomainError
from llm.errors import ModelError
from prompts.golden import golden_tests
from prompts.models import TemplateTest, TemplateVersion
from prompts.preview import preview_render
from studio.models import GoldenRerun


def golden_rerun(*, version: TemplateVersion, run_by: str, again: bool = False) -> list[GoldenRerun]:
    """Run the template's golden tests on `version`, each through prompts'
    preview_render with `execute` (budget, PII and injection guards, the
    ledger, a TemplateTest kept), and record which golden test each run
    answers. Tests already re-run on this version are skipped unless
    `again` (a redelivered task does not pay for the model twice). A test
    that cannot run records why; the others still run."""
    template = version.template
    done = set(GoldenRerun.objects.filter(version=version).values_list("golden_test_id", flat=True))
    reruns = []
    for golden in golden_tests(version):
        if golden.version_id == version.id or (golden.id in done and not again):
            continue  # a golden test of this very version is its own baseline
        rerun = GoldenRerun(version=version, golden_test=golden)
        try:
            result = preview_render(
                template=template,
                selector=version.version,
                parameters=golden.parameters,
                execute=True,
                organization_id=template.organization_id,
                created_by=run_by,
            )
            rerun.rerun_test = TemplateTest.objects.get(pk=result["execution"]["testId"])
        except DomainError as exc:
            rerun.error = exc.message
        except ModelError as exc:
            rerun.error = f"the model call failed: {exc.code}"
        rerun.save()
        reruns.append(rerun)
    return reruns


def output_leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Each leaf of a JSON value by its path (`attributes.brand.value`, `bullets[0]`)."""
    if isinstance(value, dict):
        leaves: dict[str, Any] = {}
        for key, child in value.items():
            leaves.update(output_leaves(child, f"{path}.{key}" if path else str(key)))
        return leaves
    if isinstance(value, list) and value:
        leaves = {}
        for position, child in enumerate(value):
            leaves.update(output_leaves(child, f"{path}[{position}]"))
        return leaves
    return {path: value}


@dataclass(frozen=True)
class LeafChange:
    path: str
    golden: Any
    new: Any

    @property
    def change(self) -> str:
        if self.golden == self.new:
            return "same"
        if self.golden is None and self.new is not None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


@dataclass(frozen=True)
class GoldenComparison:
    golden: TemplateTest
    rerun: GoldenRerun

    @property
    def leaves(self) -> list[LeafChange]:
        before = output_leaves(self.golden.output)
        test = self.rerun.rerun_test
        after = output_leaves(test.output) if test is not None else {}
        paths = list(before) + [p for p in after if p not in before]
        return [LeafChange(path, before.get(path), after.get(path)) for path in paths]

    @property
    def changed(self) -> int:
        return sum(leaf.change != "same" for leaf in self.leaves)


def golden_comparisons(version: TemplateVersion) -> list[GoldenComparison]:
    """The latest re-run of each golden test on `version`, beside the golden run."""
    latest: dict[Any, GoldenRerun] = {}
    reruns = GoldenRerun.objects.filter(version=version).select_related("golden_test__version", "rerun_test")
    for rerun in reruns.order_by("created_at", "id"):
        latest[rerun.golden_test_id] = rerun
    return [GoldenComparison(golden=rerun.golden_test, rerun=rerun) for rerun in latest.values()]
