"""Piccolo app ``core_interactions``."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

APP_CONFIG = AppConfig(
    app_name="core_interactions",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[],
    migration_dependencies=["core.auth.piccolo_app"],
    commands=[],
)
