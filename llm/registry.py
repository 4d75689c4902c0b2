"""Model deployments, read from a YAML file (or `settings.LLM_DEPLOYMENTS`).

A deployment is one place a model answers: a LiteLLM model string, where it
lives, what it costs and what it can do. Tiers (`small`, `large`) are lists of
deployments; routing picks among them.

The file is configuration, not data: it is reviewed in pull requests and
deployed with the code, and an operator changes a deployment's weight or turns
it off with one line. `LLM_DEPLOYMENTS_FILE` points at another file.
"""

import os
import re
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

TIERS = ("small", "large")
QUEUES = ("llm", "gpu")
JSON_MODES = ("llama_cpp", "openai", "none")
STAND_INS = ("", "obedient")
BATCH_APIS = ("", "openai")
_PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")


class RegistryError(ValueError):
    """The deployments file is invalid; raised at load time with the entry's name."""


@dataclass(frozen=True)
class Deployment:
    name: str
    tier: str
    model: str  # LiteLLM model string, e.g. "openai/gpt-4o-mini" or "hosted_vllm/qwen"
    api_base: str | None = None  # may name a setting or variable: "${LLM_API_BASE}"
    api_key_env: str | None = None  # the key is read from this variable at call time
    context_window: int = 4096
    # The most tokens one answer may have (a provider's output cap); None: the context window.
    max_output_tokens: int | None = None
    # Prices in USD per token; None takes LiteLLM's price map for `model`.
    input_cost_per_token: Decimal | None = None
    output_cost_per_token: Decimal | None = None
    # A prompt token the provider's prompt cache served; None: LiteLLM's map, else the input price.
    cached_input_cost_per_token: Decimal | None = None
    # Self-hosted: priced by GPU time, shared by the calls it serves at once.
    gpu_hour_usd: Decimal | None = None
    gpu_concurrency: int = 1
    json_mode: str = "openai"
    supports_tools: bool = False
    # Stream tokens when the caller wants them (llama.cpp, vLLM and hosted providers all can).
    stream: bool = True
    system_prompt: bool = True  # False: fold the system message into the first user turn
    tokenizer: str = "litellm"  # or "gguf:<path>" / "gguf:smollm2" for a local GGUF vocabulary
    queue: str = "llm"
    # Where the model runs (data residency): an organization that lists
    # allowed regions is never routed to a deployment outside them.
    region: str = "local"
    weight: int = 100
    enabled: bool = True
    timeout_seconds: float = 120.0
    model_version: str = ""  # part of the cache key: bump it when the weights change
    # A measuring instrument answering in place of a model ("obedient":
    # llm/obedient.py); evaluations and tests pin it by name, routing never picks it.
    stand_in: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # passed to LiteLLM as is
    # The provider's batch API ("openai": /v1/files + /v1/batches at `api_base`),
    # for jobs whose deadline can wait (llm/provider_batches.py); "" for none.
    batch_api: str = ""
    # What a batched call costs against an online one (OpenAI and Anthropic: half).
    batch_price_factor: Decimal = Decimal("0.5")

    @property
    def resolved_api_base(self) -> str | None:
        """`${NAME}` is replaced by Django setting NAME, else environment variable NAME."""
        if self.api_base is None:
            return None
        return _PLACEHOLDER.sub(lambda m: str(getattr(settings, m[1], None) or os.environ.get(m[1], "")), self.api_base)

    @property
    def api_key(self) -> str | None:
        """The key from variable `api_key_env` (or the setting of that name)."""
        if not self.api_key_env:
            return None
        return os.environ.get(self.api_key_env) or getattr(settings, self.api_key_env, None)

    @property
    def output_limit(self) -> int:
        return self.max_output_tokens or self.context_window

    @property
    def self_hosted(self) -> bool:
        return self.gpu_hour_usd is not None


@dataclass(frozen=True)
class Registry:
    deployments: tuple[Deployment, ...]

    def get(self, name: str) -> Deployment:
        for deployment in self.deployments:
            if deployment.name == name:
                return deployment
        raise KeyError(name)

    def tier(self, tier: str) -> list[Deployment]:
        return [d for d in self.deployments if d.tier == tier and d.enabled]

    def enabled(self) -> list[Deployment]:
        return [d for d in self.deployments if d.enabled]

    def largest_context(self) -> int:
        return max((d.context_window for d in self.enabled()), default=0)

    def output_limit(self, model: str | None = None) -> int:
        """The most tokens a job may ask to generate: the largest output limit
        among the deployments `model` (a tier, a deployment's name, or None
        for any) can run on; routing then skips those it does not fit."""
        if model is None:
            candidates = [d for d in self.enabled() if not d.stand_in]
        elif model in TIERS:
            candidates = self.tier(model)
        else:
            candidates = [d for d in self.deployments if d.name == model]
        return max((d.output_limit for d in candidates), default=0)


_DECIMAL_FIELDS = {
    "input_cost_per_token",
    "output_cost_per_token",
    "cached_input_cost_per_token",
    "gpu_hour_usd",
    "batch_price_factor",
}
_KNOWN_FIELDS = {f.name for f in fields(Deployment)}


def _deployment(entry: dict[str, Any]) -> Deployment:
    name = entry.get("name") or "<unnamed>"
    unknown = set(entry) - _KNOWN_FIELDS
    if unknown:
        raise RegistryError(f"deployment {name}: unknown fields {sorted(unknown)}")
    for required in ("name", "tier", "model"):
        if not entry.get(required):
            raise RegistryError(f"deployment {name}: `{required}` is required")
    values: dict[str, Any] = {
        key: (Decimal(str(value)) if key in _DECIMAL_FIELDS and value is not None else value)
        for key, value in entry.items()
    }
    deployment = Deployment(**values)
    if deployment.tier not in TIERS:
        raise RegistryError(f"deployment {name}: tier must be one of {TIERS}")
    if deployment.queue not in QUEUES:
        raise RegistryError(f"deployment {name}: queue must be one of {QUEUES}")
    if deployment.json_mode not in JSON_MODES:
        raise RegistryError(f"deployment {name}: json_mode must be one of {JSON_MODES}")
    if deployment.stand_in not in STAND_INS:
        raise RegistryError(f"deployment {name}: stand_in must be one of {STAND_INS}")
    if deployment.batch_api not in BATCH_APIS:
        raise RegistryError(f"deployment {name}: batch_api must be one of {BATCH_APIS}")
    if deployment.batch_api and deployment.api_base is None:
        raise RegistryError(f"deployment {name}: a batch API needs `api_base` (where /v1/files and /v1/batches live)")
    if not Decimal(0) < deployment.batch_price_factor <= Decimal(1):
        raise RegistryError(f"deployment {name}: batch_price_factor must be in (0, 1]")
    if deployment.stand_in and deployment.enabled:
        raise RegistryError(f"deployment {name}: a stand-in must be disabled (it is pinned by name, never routed to)")
    if deployment.weight < 0 or deployment.context_window <= 0 or deployment.gpu_concurrency <= 0:
        raise RegistryError(f"deployment {name}: weight, context_window and gpu_concurrency must be positive")
    return deployment


def registry_from(entries: list[dict[str, Any]]) -> Registry:
    deployments = tuple(_deployment(dict(entry)) for entry in entries)
    names = [d.name for d in deployments]
    if len(names) != len(set(names)):
        raise RegistryError("deployment names must be unique")
    if not any(d.enabled for d in deployments):
        raise RegistryError("at least one deployment must be enabled")
    return Registry(deployments=deployments)


@lru_cache(maxsize=1)
def registry() -> Registry:
    inline = getattr(settings, "LLM_DEPLOYMENTS", None)
    if inline is not None:
        return registry_from(inline)
    path = Path(settings.LLM_DEPLOYMENTS_FILE)
    with path.open() as handle:
        document = yaml.safe_load(handle) or {}
    return registry_from(document.get("deployments") or [])


@receiver(setting_changed)
def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting in ("LLM_DEPLOYMENTS", "LLM_DEPLOYMENTS_FILE"):
        registry.cache_clear()
