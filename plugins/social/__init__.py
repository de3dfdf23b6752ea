"""Social listening plugin: Mentions from open social sources, linked to constituents."""
