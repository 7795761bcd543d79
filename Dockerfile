# The production image for web, worker and beat (see docker-compose.yml).
FROM python:3.11.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    DJANGO_SETTINGS_MODULE=partner_center.settings.production \
    PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv
WORKDIR /app
# Dependencies first, from the lock file only: this layer is cached until uv.lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache
COPY . .
# Static files are collected at build time (hashed names and a manifest); the key is a
# throwaway used for this step only, long enough for production's check.
RUN SECRET_KEY=build-only-throwaway-key-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost SITE_URL=https://build.invalid VAR_DIR=/app/var \
    python manage.py collectstatic --noinput --verbosity 0
# The folders compose mounts volumes on (uploads, mail files, beat's schedule) belong to the
# app user, so the volumes do too on first use.
RUN useradd --create-home app \
    && mkdir -p /app/var/media /app/var/mail /app/var/beat /app/var/prometheus \
    && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "partner_center.wsgi:application", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
