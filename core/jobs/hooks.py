"""Hook implementations of the internal ``jobs`` plugin."""
