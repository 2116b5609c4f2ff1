"""The management review (ISO/IEC 42001 9.3)"""

from .assessment import PROCESS

__all__ = ["PROCESS"]
