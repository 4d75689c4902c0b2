from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        # Models are loaded only now; the audit module needs them.
        from django.core.signals import request_finished
        from django.db import close_old_connections

        from tenants.audit import audit_pending_write, audit_signals_connect, command_audit_install

        audit_signals_connect()
        from django.contrib.auth.signals import user_login_failed

        from tenants.login_throttle import login_failure_record

        user_login_failed.connect(login_failure_record, dispatch_uid="beacon-login-failures")
        command_audit_install()
        # A request's audit row is written after its response is sent, on
        # request_finished; Django's own receiver there may close the
        # database connection, so it moves behind ours (receivers run in
        # the order they were connected).
        request_finished.connect(audit_pending_write, dispatch_uid="beacon-audit-request-row")
        request_finished.disconnect(close_old_connections)
        request_finished.connect(close_old_connections)
