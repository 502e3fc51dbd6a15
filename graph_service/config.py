"""Configuration from environment variables (documented in the README)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from alumni_graph.graph_service.errors import ConfigError

BACKENDS = ("embedded", "neo4j")
PREFIX = "ALUMNI_GRAPH_"
#: The ``ALUMNI_GRAPH_*`` variables Config reads itself; every other one is a
#: web setting (``web``, checked by ``web.settings``).
STORE_VARIABLES = ("ALUMNI_GRAPH_BACKEND", "ALUMNI_GRAPH_DATA_DIR", "ALUMNI_GRAPH_BATCH_SIZE")


@dataclass(frozen=True)
class Config:
    backend: str = "embedded"
    data_dir: Path = Path("data")
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    batch_size: int = 5000
    #: The web app's settings as given (``ALUMNI_GRAPH_<NAME>`` → text, by NAME):
    #: ``web.settings.apply`` checks and types them when the app is made.
    web: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> "Config":
        """Read ``ALUMNI_GRAPH_*`` and ``NEO4J_*`` variables; raise ConfigError on bad values."""
        env = os.environ if environ is None else environ
        backend = env.get("ALUMNI_GRAPH_BACKEND", cls.backend).strip().lower()
        raw_batch = env.get("ALUMNI_GRAPH_BATCH_SIZE", str(cls.batch_size)).strip()
        try:
            batch_size = int(raw_batch)
        except ValueError:
            raise ConfigError(
                f"ALUMNI_GRAPH_BATCH_SIZE must be a whole number, got {raw_batch!r}"
            ) from None
        config = cls(
            backend=backend,
            data_dir=Path(env.get("ALUMNI_GRAPH_DATA_DIR", str(cls.data_dir))),
            neo4j_uri=env.get("NEO4J_URI", cls.neo4j_uri),
            neo4j_user=env.get("NEO4J_USER", cls.neo4j_user),
            neo4j_password=env.get("NEO4J_PASSWORD", cls.neo4j_password),
            neo4j_database=env.get("NEO4J_DATABASE", cls.neo4j_database),
            batch_size=batch_size,
            web={name.removeprefix(PREFIX): value for name, value in env.items()
                 if name.startswith(PREFIX) and name not in STORE_VARIABLES},
        )
        return config.with_(**overrides) if overrides else config.validated()

    def with_(self, **changes) -> "Config":
        return replace(self, **changes).validated()

    def validated(self) -> "Config":
        if self.backend not in BACKENDS:
            raise ConfigError(
                f"ALUMNI_GRAPH_BACKEND must be one of {', '.join(BACKENDS)}, got {self.backend!r}"
            )
        if not 1 <= self.batch_size <= 100_000:
            raise ConfigError(
                f"ALUMNI_GRAPH_BATCH_SIZE must be between 1 and 100000, got {self.batch_size}"
            )
        if self.backend == "neo4j":
            scheme = self.neo4j_uri.split("://", 1)[0]
            if "://" not in self.neo4j_uri or scheme not in (
                "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc",
            ):
                raise ConfigError(
                    f"NEO4J_URI must look like bolt://host:7687 or neo4j+s://host, got {self.neo4j_uri!r}"
                )
            if not self.neo4j_database.strip():
                raise ConfigError("NEO4J_DATABASE must not be empty")
        return self
