"""First-party Stewardship plugins, registered through the stewardship.plugins entry points."""
