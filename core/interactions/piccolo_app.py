"""Piccolo app ``core_interactions``."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.interactions.tables import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="core_interactions",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=ALL_TABLES,
    migration_dependencies=["core.auth.piccolo_app", "core.constituents.piccolo_app"],
    commands=[],
)
