"""Piccolo app ``core_system``."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.system.tables import AuditEntry, OrgSetting, PluginState

APP_CONFIG = AppConfig(
    app_name="core_system",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[PluginState, AuditEntry, OrgSetting],
    migration_dependencies=[],
    commands=[],
)
