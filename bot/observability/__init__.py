"""Operations: structured logs, Prometheus metrics and the health endpoint."""
