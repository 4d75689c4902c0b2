from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        # Models are loaded only now; the audit module needs them.
        from tenants.audit import audit_signals_connect, command_audit_install

        audit_signals_connect()
        command_audit_install()
