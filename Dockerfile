# syntax=docker/dockerfile:1
# FlixReview API image: gunicorn serving config.wsgi:application on $PORT (8000).
# The same image runs the one-off `python manage.py migrate --noinput`, the Celery worker
# (`celery -A config worker`) and beat (`celery -A config beat`); see docker-compose.yml and
# docs/deploying.md.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: wheels for every pinned production dependency, installed into a virtualenv --------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /build
COPY requirements/production.txt ./requirements/
# Behind a TLS-inspecting proxy pip must trust the proxy's CA: `make image` hands the bundle in as
# the build secret pip_ca (docs/deploying.md), which is mounted for this step only and is not kept.
# Left out of the virtualenv, as nothing reads them at run time: the packages' own test suites
# (tests/, a test/ of test_*.py files, conftest.py), message catalogue sources (*.po; Django reads
# the compiled *.mo), type stubs, C headers and Cython sources.
RUN --mount=type=secret,id=pip_ca \
    if [ -s /run/secrets/pip_ca ]; then export PIP_CERT=/run/secrets/pip_ca; fi \
 && pip wheel --no-cache-dir --wheel-dir /wheels -r requirements/production.txt \
 && python -m venv --without-pip /opt/venv \
 && pip --python /opt/venv/bin/python install --no-cache-dir --no-index --find-links /wheels \
        -r requirements/production.txt \
 && find /opt/venv -type d -name tests -prune -exec rm -rf {} + \
 && find /opt/venv -type d -name test -exec sh -c 'for d; do ! ls "$d"/test_*.py >/dev/null 2>&1 || rm -rf "$d"; done' \
        sh {} + \
 && find /opt/venv -type f \( -name conftest.py -o -name '*.po' -o -name '*.pyi' -o -name '*.h' -o -name '*.pxd' \
        -o -name '*.pxi' -o -name '*.pyx' \) -delete

# --- runtime: the virtualenv and the code, nothing else ----------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="flixreview" \
      org.opencontainers.image.description="FlixReview movie review API (Django, gunicorn)"

ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_ENV=production \
    PORT=8000 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    RECOMMENDER_MODEL_DIR=/data/recommender

# No installer in the runtime: the virtualenv is complete, and nothing is built or added later.
RUN python -m pip uninstall --yes --quiet pip setuptools wheel \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app \
 && mkdir -p /data/media /data/recommender \
 && chown app:app /data/media /data/recommender

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# Code and static files stay owned by root: the app user can read them, not change them.
COPY . .
# collectstatic needs production settings to pick the hashed, compressed storage; the
# SECRET_KEY and ALLOWED_HOSTS here exist only for this command and are not kept in the image.
RUN DJANGO_ENV=production \
    SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789abcdef \
    ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput --verbosity 0 \
 && python -m compileall -q -j 0 /app

USER 10001:10001
EXPOSE 8000

# Readiness: database, cache and broker answer. /health/ready skips the Host check and the
# HTTPS redirect, so the probe works with any ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/health/ready', timeout=4)"]

CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi:application"]
