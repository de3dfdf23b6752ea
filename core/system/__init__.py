"""Core system plumbing: plugin runtime state and the audit log."""
