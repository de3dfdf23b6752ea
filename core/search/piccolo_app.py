"""Piccolo app ``core_search``: no tables of its own, only search indexes on core's tables."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

APP_CONFIG = AppConfig(
    app_name="core_search",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[],
    migration_dependencies=["core.constituents.piccolo_app"],
    commands=[],
)
