"""Hook implementations of the internal ``interactions`` plugin."""
