"""Self-service portal for donors, members and volunteers; plugins add widgets through hooks."""
