from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        # Models are loaded only now; the audit module needs them.
        from tenants.audit import audit_signals_connect, command_audit_install

        audit_signals_connect()
        from django.contrib.auth.signals import user_login_failed

        from tenants.login_throttle import login_failure_record

        user_login_failed.connect(login_failure_record, dispatch_uid="beacon-login-failures")
        command_audit_install()
        from tenants.key_cache import key_cache_signals_connect

        key_cache_signals_connect()
