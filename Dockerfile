# The web app for production (docker compose). Neo4j runs as its own service.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph_service graph_service
COPY loaders loaders
COPY queries queries
COPY web web
COPY security security
COPY demo demo
COPY alumni_graph alumni_graph
# The "fast" extra: the Neo4j driver's Rust row decoding (bench/RESULTS.md measured with it).
RUN pip install --no-cache-dir ".[fast]"
USER app
ENV ALUMNI_GRAPH_BACKEND=neo4j ALUMNI_GRAPH_DATA_DIR=/home/app/data
EXPOSE 5000
# 0.0.0.0 inside the container only; compose publishes the port on 127.0.0.1.
CMD ["sh", "-c", "alumni-graph init-schema && exec alumni-graph serve --host 0.0.0.0 --port 5000"]
