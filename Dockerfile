# The Wasstraat bot as a container: Python 3.11 slim, no build tools or dev packages, not root.

# The portfolio tab's browser libraries (package.json "dependencies"; the bot serves them
# itself, no CDN): installed here, and only the files tab/page.py serves go into the image.
FROM node:22-bookworm-slim AS browser-libraries
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

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
COPY --from=browser-libraries /build/node_modules/@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js \
    ./node_modules/@microsoft/teams-js/dist/umd/
COPY --from=browser-libraries /build/node_modules/chart.js/dist/chart.umd.min.js \
    ./node_modules/chart.js/dist/
COPY --from=browser-libraries /build/node_modules/@fluentui/web-components/dist/web-components.min.js \
    ./node_modules/@fluentui/web-components/dist/
COPY --from=browser-libraries /build/node_modules/@fluentui/tokens/lib \
    ./node_modules/@fluentui/tokens/lib
RUN pip install -c constraints.txt . \
    && useradd --system --uid 10001 --home-dir /app wasstraat \
    && mkdir /data && chown wasstraat /data

USER wasstraat
VOLUME ["/data"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"WASSTRAAT_PORT\", \"3978\")}/healthz', timeout=4)"]
CMD ["python", "-m", "bot"]
