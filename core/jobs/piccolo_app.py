"""Piccolo app ``core_jobs``."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.jobs.tables import Job, JobSchedule

APP_CONFIG = AppConfig(
    app_name="core_jobs",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Job, JobSchedule],
    migration_dependencies=["core.auth.piccolo_app"],
    commands=[],
)
