# syntax=docker/dockerfile:1
# factbot: one image for Discord, Slack and the `factbot kb` commands. See docs/deployment.md.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FACTBOT_KNOWLEDGE_DIR=/app/knowledge \
    FACTBOT_DATA_DIR=/data \
    FACTBOT_METRICS_HOST=0.0.0.0 \
    FACTBOT_METRICS_PORT=9100 \
    FACTBOT_LOG_LEVEL=INFO \
    FACTBOT_LOG_FORMAT=json
RUN groupadd --system --gid 10001 factbot \
    && useradd --system --uid 10001 --gid factbot --home-dir /app --no-create-home --shell /usr/sbin/nologin factbot \
    && mkdir -p /app /data \
    && chown factbot:factbot /data
COPY --from=build /opt/venv /opt/venv
COPY knowledge /app/knowledge
WORKDIR /app
USER factbot:factbot
VOLUME ["/data"]
# 9100: /metrics and /healthz; 3000: Slack's HTTP mode (FACTBOT_SLACK_PORT).
EXPOSE 9100 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('FACTBOT_METRICS_PORT', '9100'), timeout=4)"]
# docker stop, Compose and Kubernetes send SIGTERM: factbot then writes its buffered question log
# (about 15 s at most) before it exits. Give it the grace period to do so (docker stop -t 30;
# stop_grace_period in docker-compose.yml; Kubernetes' default of 30 s fits).
STOPSIGNAL SIGTERM
ENTRYPOINT ["factbot"]
CMD ["run", "--platforms-only"]
