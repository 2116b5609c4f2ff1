"""The gap analysis (certification readiness)"""

from .assessment import PROCESS

__all__ = ["PROCESS"]
