"""sim: simulate 911 dispatch to plan community responder programs."""

__version__ = "0.1.0"
