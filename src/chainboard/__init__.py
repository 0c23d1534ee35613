"""chainboard: industrial-chain registry, analytics and scheduling."""
