"""What the review tests build their jobs from."""

import json

DESCRIPTION = "Blue cotton shirt by Acme, size M. Machine washable at 30 degrees. Regular fit with a button collar."


def product_output(description: str) -> str:
    return json.dumps({"title": "Acme blue cotton shirt", "description": description,
                       "bullet_points": ["Blue cotton", "Size M", "Machine washable"],
                       "seo": {"meta_title": "Acme blue cotton shirt",
                               "meta_description": "A blue cotton shirt by Acme."}})  # fmt: skip
