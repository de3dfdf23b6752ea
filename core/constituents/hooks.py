"""Hook implementations of the internal ``constituents`` plugin."""
