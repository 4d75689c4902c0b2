from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"

    def ready(self) -> None:
        # A new template version pins the output-schema version it is written
        # against. prompts and validation share a floor and do not import
        # each other; jobs, above both, connects prompts' port to validation.
        from prompts.services import SCHEMA_PINS
        from validation.registry import schema_reference_pin

        if schema_reference_pin not in SCHEMA_PINS:
            SCHEMA_PINS.append(schema_reference_pin)
        # Validation's schema usage counts jobs through this port.
        from jobs.selectors import schema_job_counts
        from validation.api import SCHEMA_JOB_COUNTS

        if schema_job_counts not in SCHEMA_JOB_COUNTS:
            SCHEMA_JOB_COUNTS.append(schema_job_counts)
        # Template previews and golden runs validate the model's text with
        # validation's parser (prompts and validation share a floor).
        from prompts.preview import OUTPUT_VALIDATE
        from validation.output import output_validate

        if output_validate not in OUTPUT_VALIDATE:
            OUTPUT_VALIDATE.append(output_validate)
        # The PII audit reads jobs' tables through safety's registry.
        from jobs.selectors import audit_rows
        from safety.audit import audit_source_register

        audit_source_register(audit_rows)
        # A settled provider batch request wakes the job waiting on it.
        from jobs.services.provider_batching import on_requests_settled
        from llm.provider_batches import requests_settled

        requests_settled.connect(on_requests_settled, dispatch_uid="jobs.provider_batching")
