"""Writes for jobs. Every status change goes through `events.job_transition`."""
