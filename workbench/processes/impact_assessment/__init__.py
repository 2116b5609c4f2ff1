"""The AI system impact assessment (ISO/IEC 42001 6.1.4, 8.4, A.5)"""

from .assessment import PROCESS

__all__ = ["PROCESS"]
