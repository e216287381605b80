"""Output: generated files written atomically and only where they changed."""
