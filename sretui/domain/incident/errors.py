"""The one exception incident rules raise."""

from __future__ import annotations


class IncidentError(ValueError):
    """A command was asked to do something the incident rules do not allow."""
