"""Running chainboard on a server: the config file (``chainboard init``) and ``chainboard serve``."""
