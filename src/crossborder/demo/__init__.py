"""Demo data that makes every journey walkable on a fresh install."""
