"""Pure-Python analytics engine for chainboard (never imports Django)."""
