"""Record real outputs of the local model, malformed ones included, as a test fixture.

Asks SmolLM2 (llama.cpp) each task kind's rendered prompt without constrained
decoding, some with a small token limit so the JSON is cut off, and writes the
raw texts to validation/tests/fixtures/local_model_outputs.json. The parsing
tests replay them: real prose around JSON, truncation and wrong types, not
hand-made ones.

    python -m beacon.runtime bench -- .venv/bin/python bench/record_outputs.py
"""

import json
import sys
import time

import httpx
from stack import BASE_DIR, processes, setup_django, wait_http

OUT = BASE_DIR / "validation" / "tests" / "fixtures" / "local_model_outputs.json"
INPUTS = [
    "Acme navy cotton T-shirt, size L, 180 g, machine washable at 40 C.",
    "Trailblazer hiking boot by Acme. Waterproof leather upper, rubber sole, sizes 38-46.",
    "Great kettle, boils fast. The lid feels a bit flimsy but works fine.",
]


def main() -> None:
    port = 8794
    base = f"http://127.0.0.1:{port}/v1"
    setup_django()
    from prompts.rendering import fence_token_for, render_messages
    from prompts.task_kinds import task_kinds

    records = []
    with processes([sys.executable, "manage.py", "llm_serve", "--port", str(port)]):
        wait_http(f"{base}/models", timeout=120)
        for kind in task_kinds().values():
            for content in INPUTS:
                parameters = {"content": content, "locale": "en-US"}
                messages = render_messages(
                    kind=kind, parameters=parameters, fence_token=fence_token_for(parameters, scope="bench")
                )
                for max_tokens in (kind.max_tokens, 40):
                    body = {
                        "model": "smollm2-135m-instruct",
                        "messages": messages,
                        "max_tokens": max_tokens,
                        "temperature": 0.0,
                    }
                    answer = httpx.post(f"{base}/chat/completions", json=body, timeout=300).json()
                    choice = answer["choices"][0]
                    text = choice["message"]["content"]
                    records.append(
                        {
                            "taskKind": kind.name,
                            "input": content,
                            "maxTokens": max_tokens,
                            "finishReason": choice["finish_reason"],
                            "text": text,
                        }
                    )
    OUT.write_text(
        json.dumps(
            {
                "$comment": "Raw outputs of SmolLM2-135M-Instruct Q4_1 (llama.cpp, unconstrained, temperature 0), "
                f"recorded by bench/record_outputs.py on {time.strftime('%Y-%m-%d')}.",
                "records": records,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"recorded {len(records)} outputs to {OUT.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
