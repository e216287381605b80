"""Checks over a built site: nothing injected, nothing lost (safety) and no broken link (linkcheck)."""
