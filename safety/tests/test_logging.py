"""The logging filter, fed PII-laden log calls through the configured handler."""

import io
import logging

from safety.logging import PiiRedactingFilter, redact_text


def test_redact_text_covers_fixed_shape_entities():
    line = ("mail jane@example.com card 4111 1111 1111 1111 iban DE89 3704 0044 0532 0130 00 "
            "phone +49 30 1234567 ip 10.0.0.7 key sk-abcdefghijklmnopqrstuvwx")  # fmt: skip
    assert redact_text(line) == "mail <EMAIL> card <CARD> iban <IBAN> phone <PHONE> ip <IP> key <SECRET>"
    assert redact_text("Acme boot, sizes 38-46, 1.2 kg") == "Acme boot, sizes 38-46, 1.2 kg"


def test_log_records_are_redacted_including_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PiiRedactingFilter())
    logger = logging.getLogger("beacon.test.pii")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("user %s paid with %s", "jane@example.com", "4111-1111-1111-1111")
        try:
            raise ValueError("bad address bob@example.com")
        except ValueError:
            logger.exception("failed for %s", "10.1.2.3")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "jane@example.com" not in output and "4111" not in output and "bob@example.com" not in output
    assert "user <EMAIL> paid with <CARD>" in output and "failed for <IP>" in output
    assert "ValueError: bad address <EMAIL>" in output


def test_the_configured_console_handler_carries_the_filter():
    from django.conf import settings

    logging_config: dict = settings.LOGGING
    assert "pii" in logging_config["handlers"]["console"]["filters"]


def test_long_numbers_that_fail_luhn_are_left_alone():
    assert redact_text("succeeded in 0.01656315100001393s") == "succeeded in 0.01656315100001393s"


def test_log_lines_are_json_with_correlation_job_stage_and_org_and_redacted():
    import copy
    import json
    import logging.config

    from django.conf import settings

    from common.correlation import correlation_id, log_context_bind, log_fields

    stream = io.StringIO()
    config: dict = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"] = {**config["handlers"]["console"], "formatter": "json", "stream": stream}
    config.pop("root")
    config["loggers"] = {"beacon.test.json": {"handlers": ["console"], "level": "INFO", "propagate": False}}
    logging.config.dictConfig(config)
    token, fields = correlation_id.set("req-12345678"), log_fields.set({})
    try:
        log_context_bind(job_id="3f2a", stage="generate", org="acme-id")
        logging.getLogger("beacon.test.json").warning("sent to %s", "jane@example.com")
    finally:
        correlation_id.reset(token)
        log_fields.reset(fields)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "sent to <EMAIL>" and line["level"] == "WARNING"
    assert (line["correlation_id"], line["job_id"], line["stage"], line["org"]) == ("req-12345678", "3f2a",
                                                                                   "generate", "acme-id")  # fmt: skip
    assert line["logger"] == "beacon.test.json" and "time" in line
