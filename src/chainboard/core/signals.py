"""Signals core sends for the apps above it (core imports none of them)."""

from django.dispatch import Signal

#: A request was refused: a view let ``OutOfScope`` escape, or raised ``PermissionDenied``.
#: Arguments: ``request``, ``message`` (the Chinese reason, may be empty). ``accounts`` records it
#: in the security audit log.
access_denied = Signal()
