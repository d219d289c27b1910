"""Operations: request ids, structured (JSON) logs without personal data.

Health checks live in casework.health, Prometheus metrics in casework.metrics.
"""
