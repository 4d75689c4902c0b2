"""Run the local model server in the foreground (used by `make run`)."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from llm.local_server import server_command


class Command(BaseCommand):
    help = "Serve the local SmolLM2 model over the OpenAI API with llama.cpp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.LLM_HOST)
        parser.add_argument("--port", type=int, default=settings.LLM_PORT)
        parser.add_argument("--threads", type=int, default=settings.LLM_THREADS)

    def handle(self, *args: Any, **options: Any) -> None:
        command = server_command(host=options["host"], port=options["port"], threads=options["threads"])
        # Replace this process so signals (Ctrl-C, SIGTERM) reach the server
        # directly; from the project's root, where `-m llm.llama_server` is found.
        os.chdir(settings.BASE_DIR)
        os.execv(command[0], command)  # noqa: S606 (fixed argument list, no shell)
