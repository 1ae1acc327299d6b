# The Wasstraat bot as a container: Python 3.11 slim, no build tools or dev packages, not root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WASSTRAAT_HOST=0.0.0.0 \
    WASSTRAAT_PORT=3978 \
    WASSTRAAT_DATABASE_URL=sqlite:////data/wasstraat.db

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY cards ./cards
COPY dialogs ./dialogs
COPY manifest ./manifest
COPY reports ./reports
COPY storage ./storage
COPY tab ./tab
COPY wasstraat ./wasstraat
RUN pip install -c constraints.txt . \
    && useradd --system --uid 10001 --home-dir /app wasstraat \
    && mkdir /data && chown wasstraat /data

USER wasstraat
VOLUME ["/data"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"WASSTRAAT_PORT\", \"3978\")}/healthz', timeout=4)"]
CMD ["python", "-m", "bot"]
