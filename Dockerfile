# The MAM image: web server, Celery worker and beat all run from it (see docker-compose.yml).

# The React UI, built once; only its dist/ reaches the final image.
FROM node:20-slim AS ui
WORKDIR /ui
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEDIA_PATH=/media \
    DATA_DIR=/data \
    MAM_LOG_DIR=/data/logs \
    PORT=5001
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt
COPY . .
COPY --from=ui /ui/dist frontend/dist
RUN useradd --create-home --uid 1000 mam \
    && mkdir -p /media /data/logs \
    && chown -R mam:mam /media /data
USER mam
VOLUME ["/media", "/data"]
EXPOSE 5001
CMD ["python", "-m", "mam.launcher", "--web"]
