# The app (FastAPI: chat API, widget, LINE webhook, staff admin) and the action server
# (rasa-sdk) share this image: Python 3.11 with requirements/app.lock, the app's runtime
# dependencies alone (no test tools), every file checked against its hash.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/nakano-bot
COPY requirements/app.lock requirements/app.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/app.lock
COPY pyproject.toml README.md ./
COPY bot bot
COPY actions actions
COPY data data
COPY web_widget web_widget
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e . \
 && useradd --system --home /srv/nakano-bot nakano && mkdir -p var && chown nakano var
USER nakano
EXPOSE 8000 5055
# docker-compose.yml says which of the two to run.
CMD ["uvicorn", "bot.server.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
